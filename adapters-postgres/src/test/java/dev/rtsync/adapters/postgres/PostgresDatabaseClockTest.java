package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.application.contract.DatabaseClockContract;
import dev.rtsync.application.port.out.DatabaseClock;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresDatabaseClockTest extends DatabaseClockContract {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();

    @Override
    protected DatabaseClock databaseClock() {
        return new PostgresDatabaseClock(DB.database());
    }
}
