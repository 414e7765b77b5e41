package dev.rtsync.adapters.postgres;

import org.jdbi.v3.core.Jdbi;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the service's database role may do, checked at start-up against what it needs, so that a
 * missing grant is one clear message naming it instead of a failure on the first change or the
 * first subscription. The needs are those {@code app.rtsync_grant_runtime} (R__runtime_grants.sql) grants.
 */
public final class RuntimePrivileges {

    /** The privilege the service needs and, for the message, how an operator names it. */
    private record Need(String description, String check) {
    }

    private static final String LOG_COLUMNS_READ = "id, seq, txid, entity_code, entity_id, action, created_ts, sync_status";

    private static final List<Need> ALWAYS = List.of(
            new Need("USAGE on schema app", "has_schema_privilege('app', 'USAGE')"),
            new Need("SELECT (" + LOG_COLUMNS_READ + ") on app.logging", columns("app.logging", LOG_COLUMNS_READ, "SELECT")),
            new Need("UPDATE (sync_status, sync_processed_ts) on app.logging",
                    columns("app.logging", "sync_status, sync_processed_ts", "UPDATE")),
            new Need("SELECT, INSERT, DELETE on app.rxdb_subscription", table("app.rxdb_subscription", "SELECT", "INSERT", "DELETE")),
            new Need("UPDATE (subscribed_at) on app.rxdb_subscription", columns("app.rxdb_subscription", "subscribed_at", "UPDATE")),
            new Need("SELECT, INSERT, UPDATE, DELETE on app.rtsync_reader", table("app.rtsync_reader", "SELECT", "INSERT", "UPDATE", "DELETE")),
            new Need("SELECT, INSERT, UPDATE, DELETE on app.rtsync_instance", table("app.rtsync_instance", "SELECT", "INSERT", "UPDATE", "DELETE")),
            new Need("SELECT on app.flyway_schema_history", table("app.flyway_schema_history", "SELECT")),
            new Need("SELECT on app.rtsync_tracked", table("app.rtsync_tracked", "SELECT")));
    private static final Need RETENTION = new Need("DELETE on app.logging", table("app.logging", "DELETE"));

    private static final List<String> RELATIONS = List.of(
            "logging", "rxdb_subscription", "rtsync_reader", "rtsync_instance", "flyway_schema_history", "rtsync_tracked");

    /**
     * The role, whether it is a superuser, and what it lacks.
     *
     * @param missingRelations rtsync's tables and views that do not exist: the database is not migrated
     * @param missing          privileges the role lacks on those that exist
     */
    public record Report(String role, boolean superuser, List<String> missingRelations, List<String> missing) {
        public Report {
            missingRelations = List.copyOf(missingRelations);
            missing = List.copyOf(missing);
        }
    }

    private final Jdbi jdbi;

    public RuntimePrivileges(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    /**
     * Checks the connecting role's privileges on a migrated database.
     *
     * @param retention whether the service deletes old log rows (RTSYNC_LOG_RETENTION)
     * @throws dev.rtsync.application.port.out.StorageUnavailableException when the database cannot be reached
     */
    public Report check(boolean retention) {
        List<Need> needs = retention ? concat(ALWAYS, RETENTION) : ALWAYS;
        return Failures.withHandle(jdbi, "check the role's privileges", handle -> {
            String role = handle.createQuery("SELECT current_user::text").mapTo(String.class).one();
            boolean superuser = handle.createQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    .mapTo(Boolean.class).one();
            // By the catalog, which any role may read: naming app.logging in SQL would already need USAGE on app.
            List<String> present = handle.createQuery("""
                            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = 'app' AND c.relname = ANY(:names)""")
                    .bindArray("names", String.class, RELATIONS)
                    .mapTo(String.class).list();
            List<String> missingRelations = RELATIONS.stream().filter(name -> !present.contains(name)).map(name -> "app." + name).toList();
            if (!missingRelations.isEmpty()) {
                return new Report(role, superuser, missingRelations, List.of());
            }
            List<String> missing = needs.stream()
                    .filter(need -> !handle.createQuery("SELECT " + need.check()).mapTo(Boolean.class).one())
                    .map(Need::description)
                    .toList();
            return new Report(role, superuser, List.of(), missing);
        });
    }

    /** The relation's oid by the catalog, so that asking needs no privilege on the schema. */
    private static String oid(String table) {
        String name = table.substring("app.".length());
        return "(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'app' AND c.relname = '" + name + "')";
    }

    private static String columns(String table, String columns, String privilege) {
        return Arrays.stream(columns.split(",\\s*"))
                .map(column -> "has_column_privilege(" + oid(table) + ", '" + column + "', '" + privilege + "')")
                .collect(Collectors.joining(" AND "));
    }

    // has_table_privilege with a list means "any of them", so each is asked on its own.
    private static String table(String table, String... privileges) {
        return Arrays.stream(privileges)
                .map(privilege -> "has_table_privilege(" + oid(table) + ", '" + privilege + "')")
                .collect(Collectors.joining(" AND "));
    }

    private static List<Need> concat(List<Need> needs, Need more) {
        return Stream.concat(needs.stream(), Stream.of(more)).toList();
    }
}
