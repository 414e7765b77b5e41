package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.DatabaseClock;
import dev.rtsync.application.port.out.StorageUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A {@link DatabaseClock} that reads a given clock, set ahead or behind by an offset a test chooses. */
public final class InMemoryDatabaseClock implements DatabaseClock {

    private final Clock clock;
    private volatile Duration offset = Duration.ZERO;
    private volatile boolean unavailable;

    public InMemoryDatabaseClock(Clock clock) {
        this.clock = clock;
    }

    /** From now on the database's time is the clock's plus {@code offset} (negative: behind). */
    public void setOffset(Duration offset) {
        this.offset = offset;
    }

    /** From now on reads fail as if the database were down, until {@code false} is set. */
    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    @Override
    public Instant now() {
        if (unavailable) {
            throw new StorageUnavailableException("in-memory database clock set unavailable", null);
        }
        return clock.instant().plus(offset);
    }
}
