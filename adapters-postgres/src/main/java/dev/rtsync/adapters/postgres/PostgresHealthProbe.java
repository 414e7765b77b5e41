package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.HealthProbe;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

import javax.sql.DataSource;

import java.time.Duration;
import java.util.Optional;

/**
 * {@link HealthProbe} that asks the database one cheap question: are the tables rtsync reads
 * there? That answers "is it reachable" and "was it migrated" in one round trip. How long it
 * waits for a pooled connection is the pool's connection timeout.
 *
 * <p>Until it has once seen every migration of this build applied, it also asks Flyway whether
 * any is pending (teams that set {@code RTSYNC_MIGRATE_ON_START=false} migrate separately, maybe
 * after rtsync started). Once applied, migrations stay applied, so later probes skip that question.
 */
public final class PostgresHealthProbe implements HealthProbe {

    private final Jdbi jdbi;
    private final DataSource dataSource;
    private final int timeoutSeconds;
    private volatile boolean migrationsApplied;

    /** @param timeout how long the question may take once connected (rounded up to whole seconds) */
    public PostgresHealthProbe(PostgresDatabase database, Duration timeout) {
        this.jdbi = database.jdbi();
        this.dataSource = database.dataSource();
        this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    @Override
    public Optional<String> problem() {
        try {
            boolean migrated = jdbi.withHandle(handle -> handle.createQuery("""
                            SELECT to_regclass('app.logging') IS NOT NULL
                               AND to_regclass('app.rxdb_subscription') IS NOT NULL
                               AND to_regclass('app.rtsync_reader') IS NOT NULL""")
                    .setQueryTimeout(timeoutSeconds)
                    .mapTo(Boolean.class)
                    .one());
            if (!migrated) {
                return Optional.of("database reachable but the app schema is missing: run the migrations");
            }
            return pendingMigrations();
        } catch (JdbiException | FlywayException e) {
            return Optional.of("database unreachable: " + rootMessage(e));
        }
    }

    private Optional<String> pendingMigrations() {
        if (migrationsApplied) {
            return Optional.empty();
        }
        int pending = Migrations.pending(dataSource);
        if (pending > 0) {
            return Optional.of("database reachable but " + pending + (pending == 1 ? " migration is" : " migrations are")
                    + " pending: run the migrations");
        }
        migrationsApplied = true;
        return Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
