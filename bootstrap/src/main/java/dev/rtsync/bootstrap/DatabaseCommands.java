package dev.rtsync.bootstrap;

import dev.rtsync.adapters.postgres.DatabaseUrl;
import dev.rtsync.adapters.postgres.Migrations;
import dev.rtsync.adapters.postgres.PostgresDatabase;
import dev.rtsync.adapters.postgres.RuntimeGrants;
import dev.rtsync.adapters.postgres.TrackedTables;
import dev.rtsync.adapters.postgres.TrackedTables.TrackedTable;
import dev.rtsync.adapters.postgres.TrackedTables.TrackingException;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.InvalidValueException;
import org.flywaydb.core.api.FlywayException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The owner's commands, run with {@code DATABASE_URL} naming the role that owns the {@code app}
 * schema (docs/adopting.md):
 * <pre>
 * java -jar rtsync.jar migrate [--with-samples]
 * java -jar rtsync.jar grant rtsync_runtime [--with-retention]
 * java -jar rtsync.jar track app.invoice invoice
 * java -jar rtsync.jar untrack app.invoice
 * java -jar rtsync.jar list
 * </pre>
 * Each prints one line per result on standard output and exits 0; a refused request exits 1 with
 * PostgreSQL's reason on standard error; a usage mistake exits 2.
 */
final class DatabaseCommands {

    static final List<String> NAMES = List.of("migrate", "grant", "track", "untrack", "list");
    static final String USAGE = "migrate [--with-samples] | grant <runtime-role> [--with-retention]"
            + " | track <table> <entity-code> | untrack <table> | list";
    private static final int EXIT_REFUSED = 1;
    private static final int EXIT_USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;

    DatabaseCommands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args, Map<String, String> environment) {
        String usageProblem = usageProblem(args);
        if (usageProblem != null) {
            err.println("rtsync: " + usageProblem);
            return EXIT_USAGE;
        }
        DatabaseUrl url = databaseUrl(environment);
        try (PostgresDatabase database = PostgresDatabase.open(url, new PostgresDatabase.Settings(2, Duration.ofSeconds(10)))) {
            return switch (args[0]) {
                case "migrate" -> migrate(database, args.length == 2);
                case "grant" -> grant(database, args[1], args.length == 3);
                case "track" -> track(new TrackedTables(database), args[1], EntityCode.of(args[2]));
                case "untrack" -> untrack(new TrackedTables(database), args[1]);
                default -> list(new TrackedTables(database));
            };
        } catch (TrackingException | RuntimeGrants.GrantException | StorageUnavailableException e) {
            err.println("rtsync: " + e.getMessage());
            return EXIT_REFUSED;
        } catch (FlywayException e) {
            err.println("rtsync: migrating " + url + " failed: " + e.getMessage());
            return EXIT_REFUSED;
        }
    }

    private static String usageProblem(String[] args) {
        String command = args[0];
        boolean fits = switch (command) {
            case "migrate" -> args.length == 1 || (args.length == 2 && args[1].equals("--with-samples"));
            case "grant" -> args.length == 2 || (args.length == 3 && args[2].equals("--with-retention"));
            case "track" -> args.length == 3;
            case "untrack" -> args.length == 2;
            default -> args.length == 1;
        };
        if (!fits) {
            return "usage: java -jar rtsync.jar " + USAGE;
        }
        if (command.equals("track")) {
            try {
                EntityCode.of(args[2]);
            } catch (InvalidValueException e) {
                return "track: " + e.getMessage();
            }
        }
        return null;
    }

    private static DatabaseUrl databaseUrl(Map<String, String> environment) {
        String text = new EnvironmentReader(environment).optionalText(Setting.DATABASE_URL).orElseThrow(() ->
                new ConfigurationException("DATABASE_URL must name the database and its owner role for this command"
                        + " (for the embedded database while rtsync runs: postgresql://postgres@localhost:54329/postgres)"));
        try {
            return DatabaseUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("DATABASE_URL " + e.getMessage());
        }
    }

    private int migrate(PostgresDatabase database, boolean withSamples) {
        int applied = withSamples ? Migrations.migrateWithSamples(database.dataSource()) : Migrations.migrate(database.dataSource());
        out.println("migrated " + database.url() + (withSamples ? " with the sample tables" : "") + ": "
                + applied + (applied == 1 ? " migration" : " migrations") + " applied");
        return 0;
    }

    private int grant(PostgresDatabase database, String role, boolean withRetention) {
        new RuntimeGrants(database).grant(role, withRetention);
        out.println("granted " + role + " what the service needs" + (withRetention ? ", with DELETE on app.logging for retention" : ""));
        return 0;
    }

    private int track(TrackedTables tables, String table, EntityCode code) {
        out.println("tracking " + table + " as " + code + " (trigger " + tables.track(table, code) + ")");
        return 0;
    }

    private int untrack(TrackedTables tables, String table) {
        int dropped = tables.untrack(table);
        out.println(dropped == 0 ? table + " was not tracked" : "untracked " + table + " (" + dropped
                + (dropped == 1 ? " trigger" : " triggers") + " dropped)");
        return 0;
    }

    private int list(TrackedTables tables) {
        List<TrackedTable> tracked = tables.list();
        if (tracked.isEmpty()) {
            err.println("no table is tracked: java -jar rtsync.jar track <table> <entity-code>");
        }
        for (TrackedTable table : tracked) {
            out.println(table.table() + "\t" + table.entityCode() + "\t" + table.trigger() + (table.enabled() ? "" : "\tDISABLED"));
        }
        return 0;
    }
}
