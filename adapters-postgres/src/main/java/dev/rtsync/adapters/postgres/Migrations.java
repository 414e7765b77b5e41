package dev.rtsync.adapters.postgres;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

import javax.sql.DataSource;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Brings the {@code app} schema up to date from the {@code db} module's migrations.
 *
 * <p>Two locations share one history ({@code app.flyway_schema_history}) and one version line:
 * <ul>
 *   <li>{@value #PRODUCTION} holds rtsync's own objects only: the log's added columns and indexes,
 *       the subscription table, the reader's position and the functions. This is what
 *       {@link #migrate} applies, and all a production database ever gets.</li>
 *   <li>{@value #SAMPLES} holds the sample entity tables ({@code app.project}, {@code app.task},
 *       {@code app.employee}) with their triggers, for the demo, the tests and the embedded
 *       development database: {@link #migrateWithSamples}.</li>
 * </ul>
 */
public final class Migrations {

    /** rtsync's own objects: what a production database gets. */
    public static final String PRODUCTION = "classpath:db/migration";
    /** The sample entity tables, on top of {@link #PRODUCTION}: demo, tests, embedded development database. */
    public static final String SAMPLES = "classpath:db/samples";

    /**
     * Versions that once belonged to the production location and moved to {@link #SAMPLES}.
     * A database that applied them (every database migrated before the move) would otherwise fail
     * Flyway's validation with "applied migration not resolved locally" when migrated without the
     * samples. Their tables stay where they are: they may hold a team's rows by now.
     */
    static final Set<String> MOVED_TO_SAMPLES = Set.of("2");

    private Migrations() {
    }

    /**
     * Applies the production migrations not yet applied; safe to call at every start.
     *
     * @return how many were applied
     */
    public static int migrate(DataSource dataSource) {
        return migrate(dataSource, PRODUCTION);
    }

    /**
     * Applies the production migrations and the sample tables: the schema of the demo, of the tests
     * and of the embedded development database. Never on a team's database.
     *
     * @return how many were applied
     */
    public static int migrateWithSamples(DataSource dataSource) {
        return migrate(dataSource, PRODUCTION, SAMPLES);
    }

    private static int migrate(DataSource dataSource, String... locations) {
        Flyway flyway = configure(dataSource, locations);
        refuseUnknownMissing(flyway, locations);
        return flyway.migrate().migrationsExecuted;
    }

    /**
     * How many of this build's production migrations the database has not applied yet; zero when
     * it is up to date (or ahead, migrated by a newer rtsync).
     *
     * @throws FlywayException when the database cannot be asked
     */
    public static int pending(DataSource dataSource) {
        return configure(dataSource, PRODUCTION).info().pending().length;
    }

    private static Flyway configure(DataSource dataSource, String... locations) {
        FluentConfiguration configuration = Flyway.configure();
        // Flyway's default lock is a transaction held open on a second connection for the whole
        // run; CREATE INDEX CONCURRENTLY (V6) waits for every open transaction of the database,
        // that one included, for ever. The session-level advisory lock holds no transaction open.
        configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return configuration
                .dataSource(dataSource)
                .locations(locations)
                .schemas("app")
                // A database the original service set up holds app.logging but no Flyway history:
                // start from version 0 there, the migrations are written to adopt its tables.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // Migrations applied but not in these locations are checked by refuseUnknownMissing,
                // which lets only the sample migrations through.
                .ignoreMigrationPatterns("*:future", "*:missing")
                .load();
    }

    /** Flyway's check for a migration that was applied but is no longer shipped, except for the samples. */
    private static void refuseUnknownMissing(Flyway flyway, String... locations) {
        boolean withSamples = Arrays.asList(locations).contains(SAMPLES);
        List<String> unknown = Arrays.stream(flyway.info().applied())
                .filter(Migrations::missing)
                .filter(applied -> applied.getVersion() != null)
                .map(applied -> applied.getVersion().getVersion())
                .filter(version -> withSamples || !MOVED_TO_SAMPLES.contains(version))
                .toList();
        if (!unknown.isEmpty()) {
            throw new FlywayException("The database applied migration(s) " + unknown + " that this rtsync does not"
                    + " ship in " + String.join(" or ", locations) + ": it was migrated by another build; use that"
                    + " build or a newer one");
        }
    }

    private static boolean missing(MigrationInfo applied) {
        MigrationState state = applied.getState();
        return state == MigrationState.MISSING_SUCCESS || state == MigrationState.MISSING_FAILED;
    }
}
