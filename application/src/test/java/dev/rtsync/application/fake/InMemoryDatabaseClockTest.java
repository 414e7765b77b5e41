package dev.rtsync.application.fake;

import dev.rtsync.application.contract.DatabaseClockContract;
import dev.rtsync.application.port.out.DatabaseClock;

import java.time.Clock;

class InMemoryDatabaseClockTest extends DatabaseClockContract {

    @Override
    protected DatabaseClock databaseClock() {
        return new InMemoryDatabaseClock(Clock.systemUTC());
    }
}
