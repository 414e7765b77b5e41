package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.application.contract.ChangeLogContract;
import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresChangeLogTest extends ChangeLogContract {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private final List<PostgresChangeLog> opened = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        opened.forEach(PostgresChangeLog::close);
    }

    @Override
    protected SubscriptionStore storeOfInstance(String instanceId) {
        return new PostgresSubscriptionStore(DB.database(), instanceId);
    }

    @Override
    protected ChangeLog changeLogOfInstance(String instanceId) {
        // A new object each time, as a restarted instance would make; the position lives in the DB.database().
        PostgresChangeLog log = new PostgresChangeLog(DB.database(), instanceId);
        opened.add(log);
        return log;
    }

    /** As the REST API logs: plain SQL naming only entity_code, entity_id and action. */
    @Override
    protected long logChange(EntityCode code, EntityId entity, ChangeAction action) {
        return DB.database().jdbi().withHandle(handle -> handle.createQuery("""
                        INSERT INTO app.logging (entity_code, entity_id, action) VALUES (:code, :entity, :action)
                        RETURNING seq""")
                .bind("code", code.value())
                .bind("entity", entity.value())
                .bind("action", (short) action.logCode())
                .mapTo(Long.class)
                .one());
    }

    @Override
    protected Status syncStatusOf(long sequence) {
        String status = DB.database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT sync_status FROM app.logging WHERE seq = :seq")
                .bind("seq", sequence)
                .mapTo(String.class)
                .one());
        return Status.valueOf(status.toUpperCase(Locale.ROOT));
    }

    /**
     * The acknowledgement commits without waiting for the disk, but only its own transaction: the
     * pooled connection it used must come back with the setting it had, or every later
     * subscription write on it would lose its durability too. The connection is first given a
     * value that neither the acknowledgement ('off') nor any server default uses ('local'), so the
     * test means the same on a server configured with 'on' (PostgreSQL's default) and on one
     * configured with 'off' (the embedded test server's default).
     */
    @Test
    void acknowledging_does_not_leave_synchronous_commit_off_on_the_pooled_connection() {
        ChangeLog log = changeLogOfInstance("ack-setting");
        EntityId entity = new EntityId(java.util.UUID.randomUUID());
        logChange(EntityCode.of("project"), entity, ChangeAction.EDIT);
        var rows = log.readPending(10);
        assertThat(rows).hasSize(1);
        // Hikari hands a thread back the connection it used last, so the acknowledgement runs on
        // the connection set here, and the check after it reads the same one.
        int connection = DB.database().jdbi().withHandle(handle -> {
            handle.execute("SET synchronous_commit = 'local'");
            return handle.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();
        });
        try {
            log.acknowledge(rows, Set.of());

            var after = DB.database().jdbi().withHandle(handle -> handle.createQuery(
                            "SELECT pg_backend_pid() AS pid, current_setting('synchronous_commit') AS setting")
                    .map((rs, ctx) -> java.util.Map.entry(rs.getInt("pid"), rs.getString("setting"))).one());
            assertThat(after.getKey()).as("the pooled connection the acknowledgement used").isEqualTo(connection);
            assertThat(after.getValue()).isEqualTo("local");
        } finally {
            DB.database().jdbi().useHandle(handle -> handle.execute("RESET synchronous_commit"));
        }
        assertThat(syncStatusOf(rows.getFirst().sequence())).isEqualTo(Status.SENT);
        assertThat(log.readPending(10)).isEmpty();
    }

    /**
     * Every round reads the pending rows with their subscribers. Written as a join, PostgreSQL
     * sized the join by the LIMIT and chose a hash join over a sequential scan of every
     * subscription, 62 ms per round with 100,000 of them when 20 rows were pending: the
     * subscribers must be found by index, in the custom and in the generic plan.
     */
    @Test
    void reading_pending_rows_finds_their_subscribers_by_index_not_by_scanning_every_subscription() {
        DB.database().jdbi().useHandle(handle -> {
            fillTheLog(handle);
            handle.execute("""
                    INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id)
                    SELECT gen_random_uuid(), 'project', entity, 'connection-' || n, 'plan-check'
                    FROM (SELECT n, (SELECT entity_id FROM app.logging ORDER BY seq LIMIT 1 OFFSET n % 3000) AS entity
                          FROM generate_series(1, 30000) n) subscribed""");
            handle.execute("ANALYZE app.rxdb_subscription");
            handle.execute("PREPARE read_pending(text, int) AS "
                    + PostgresChangeLog.READ_PENDING.replace(":instance", "$1").replace(":limit", "$2"));
            try {
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    String plan = planOf(handle, mode, "EXECUTE read_pending('plan-check', 2000)");
                    assertThat(plan).as(mode + "\n" + plan)
                            .contains("idx_rxdb_subscription_entity")
                            .doesNotContain("Seq Scan on rxdb_subscription");
                }
            } finally {
                forgetPreparedStatements(handle);
            }
        });
    }

    /**
     * The held-back check runs on every round of the watcher, mostly when nothing follows. Asked as
     * EXISTS, PostgreSQL planned a sequential scan of the whole log for it (776 ms on 1.1 million
     * rows); it must walk the pending index from the position, in the generic plan too (the driver
     * prepares statements after a few executions).
     */
    @Test
    void the_check_for_rows_after_the_position_walks_the_index_not_the_whole_log() {
        DB.database().jdbi().useHandle(handle -> {
            fillTheLog(handle);
            try {
                handle.execute("PREPARE after_row(text, bigint) AS "
                        + PostgresChangeLog.ROWS_AFTER_ROW.replace(":txid", "$1").replace(":seq", "$2"));
                handle.execute("PREPARE after_position(text) AS "
                        + PostgresChangeLog.ROWS_AFTER_POSITION.replace(":instance", "$1"));
                for (String execute : List.of("EXECUTE after_row('1', 1)", "EXECUTE after_position('plan-check')")) {
                    String plan = planOf(handle, "force_generic_plan", execute);
                    assertThat(plan).as(plan).contains("idx_logging_pending").doesNotContain("Seq Scan on logging");
                }
            } finally {
                forgetPreparedStatements(handle);
            }
        });
    }

    /** 30,000 analysed log rows: enough that PostgreSQL plans as it would for a real log. */
    private static void fillTheLog(Handle handle) {
        handle.execute("""
                INSERT INTO app.logging (entity_code, entity_id, action)
                SELECT 'project', gen_random_uuid(), 1 FROM generate_series(1, 30000)""");
        handle.execute("ANALYZE app.logging");
    }

    /** The plan PostgreSQL gives {@code execute} under the {@code plan_cache_mode}, as one string. */
    private static String planOf(Handle handle, String planCacheMode, String execute) {
        handle.execute("SET plan_cache_mode = " + planCacheMode);
        return String.join("\n", handle.createQuery("EXPLAIN " + execute).mapTo(String.class).list());
    }

    /** The handle goes back to the pool: leave no prepared statement or plan setting on it. */
    private static void forgetPreparedStatements(Handle handle) {
        handle.execute("DEALLOCATE ALL");
        handle.execute("RESET plan_cache_mode");
    }
}
