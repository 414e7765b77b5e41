package dev.rtsync.adapters.postgres;

import dev.rtsync.domain.EntityCode;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;

import java.util.List;
import java.util.Objects;

/**
 * The team's tables whose changes reach the browsers: those with the design's logging trigger
 * ({@code app.log_entity_change()}), attached and removed by {@code app.rtsync_track} and
 * {@code app.rtsync_untrack} (V4). Changing them needs the TRIGGER privilege on the table, so it
 * is the owner's tool ({@code java -jar rtsync.jar track|untrack|list}); listing needs only
 * SELECT on {@code app.rtsync_tracked}, which the runtime role has.
 */
public final class TrackedTables {

    /**
     * One tracked table.
     *
     * @param table      as PostgreSQL names it ({@code app.invoice}; without the schema when it is on the search path)
     * @param entityCode what its rows are logged as: the code clients subscribe to
     * @param trigger    the trigger that logs them
     * @param enabled    false when someone disabled the trigger: its changes are not logged
     */
    public record TrackedTable(String table, String entityCode, String trigger, boolean enabled) {
    }

    /** A table cannot be tracked or untracked as asked; the message is PostgreSQL's, naming the table and the reason. */
    public static final class TrackingException extends RuntimeException {
        TrackingException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Jdbi jdbi;

    public TrackedTables(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    /**
     * Attaches the logging trigger; does nothing when the table is already tracked as asked.
     *
     * @param table a table name as SQL takes it, such as {@code app.invoice}
     * @return the trigger's name
     * @throws TrackingException when the table does not exist, is not a table, has no {@code id uuid}
     *                           column, or the caller may not create triggers on it
     */
    public String track(String table, EntityCode entityCode) {
        Objects.requireNonNull(entityCode, "entity code");
        return call("track " + table, "SELECT app.rtsync_track(CAST(:table AS regclass), :code)::text",
                table, entityCode.value(), String.class);
    }

    /** Removes every logging trigger from the table; returns how many there were (0: it was not tracked). */
    public int untrack(String table) {
        return call("untrack " + table, "SELECT app.rtsync_untrack(CAST(:table AS regclass))", table, null, Integer.class);
    }

    /** Every tracked table, by table name. */
    public List<TrackedTable> list() {
        return Failures.withHandle(jdbi, "list the tracked tables", handle -> handle.createQuery("""
                        SELECT table_name::text AS table_name, entity_code, trigger_name::text AS trigger_name, enabled
                        FROM app.rtsync_tracked ORDER BY table_name::text, trigger_name""")
                .map((rs, ctx) -> new TrackedTable(rs.getString("table_name"), rs.getString("entity_code"),
                        rs.getString("trigger_name"), rs.getBoolean("enabled")))
                .list());
    }

    private <T> T call(String what, String sql, String table, String code, Class<T> type) {
        if (table == null || table.isBlank()) {
            throw new TrackingException(what + ": no table given", null);
        }
        try {
            return jdbi.withHandle(handle -> {
                var query = handle.createQuery(sql).bind("table", table);
                if (code != null) {
                    query.bind("code", code);
                }
                return query.mapTo(type).one();
            });
        } catch (JdbiException e) {
            RuntimeException translated = Failures.translate(what, e);
            if (translated != e) {
                throw translated;
            }
            throw new TrackingException(what + " failed: " + postgresMessage(e), e);
        }
    }

    private static String postgresMessage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                var server = psql.getServerErrorMessage();
                return server.getMessage() + (server.getHint() == null ? "" : " (" + server.getHint() + ")");
            }
        }
        return e.getMessage();
    }
}
