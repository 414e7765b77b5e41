package dev.rtsync.adapters.postgres;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import javax.sql.DataSource;

/** Brings the {@code app} schema up to date from the {@code db} module's {@code classpath:db/migration}. */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Applies the migrations not yet applied; safe to call at every start.
     *
     * @return how many were applied
     */
    public static int migrate(DataSource dataSource) {
        return configure(dataSource).load().migrate().migrationsExecuted;
    }

    /**
     * How many of this build's migrations the database has not applied yet; zero when it is up to
     * date (or ahead, migrated by a newer rtsync).
     *
     * @throws org.flywaydb.core.api.FlywayException when the database cannot be asked
     */
    public static int pending(DataSource dataSource) {
        return configure(dataSource).load().info().pending().length;
    }

    private static FluentConfiguration configure(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .schemas("app")
                // A database the original service set up holds app.logging but no Flyway history:
                // start from version 0 there, the migrations are written to adopt its tables.
                .baselineOnMigrate(true)
                .baselineVersion("0");
    }
}
