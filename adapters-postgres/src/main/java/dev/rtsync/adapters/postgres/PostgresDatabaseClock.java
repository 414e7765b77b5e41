package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.DatabaseClock;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * {@link DatabaseClock} as PostgreSQL's {@code clock_timestamp()}: the time of the call, where
 * {@code now()} would be the start of its transaction.
 */
public final class PostgresDatabaseClock implements DatabaseClock {

    private final Jdbi jdbi;

    public PostgresDatabaseClock(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public Instant now() {
        return Failures.withHandle(jdbi, "read the database's clock", handle -> handle
                .createQuery("SELECT clock_timestamp()")
                .mapTo(OffsetDateTime.class)
                .one()
                .toInstant());
    }
}
