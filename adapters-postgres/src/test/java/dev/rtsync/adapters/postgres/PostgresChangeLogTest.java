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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        // A new object each time, as a restarted instance would make; the position lives in the database.
        // Marks written at every acknowledgement, as the contract checks them at once; the delay is
        // PostgresChangeLogReaderTest's.
        PostgresChangeLog log = new PostgresChangeLog(DB.database(), instanceId, Duration.ZERO);
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
    void acknowledging_leaves_the_pooled_connection_with_the_synchronous_commit_it_had() {
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
            fillTheLog(handle, 30_000);
            handle.execute("""
                    INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id)
                    SELECT gen_random_uuid(), 'project', entity, 'connection-' || n, 'plan-check'
                    FROM (SELECT n, (SELECT entity_id FROM app.logging ORDER BY seq LIMIT 1 OFFSET n % 3000) AS entity
                          FROM generate_series(1, 30000) n) subscribed""");
            handle.execute("ANALYZE app.rxdb_subscription");
            prepareRead(handle);
            try {
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    String plan = planOf(handle, mode, "EXECUTE read_pending('plan-check', 2000, '1:1:', NULL, '0', "
                            + Long.MIN_VALUE + ")");
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
     * A read starts in the pending index where the position is, however many rows come before it:
     * after a caught-up position, and in the middle of one large transaction being read in batches
     * (the new rows of a snapshot, and the rows of a transaction that was running at it). Counted in
     * pages touched, not time. A row comparison next to a plain bound on txid made PostgreSQL start
     * at the wrong one: from the index's first page (1,267 pages for 330,000 rows), or from the
     * transaction's first row.
     */
    @Test
    void a_read_walks_the_pending_index_from_the_position_not_from_the_start() {
        DB.database().jdbi().useHandle(handle -> {
            fillTheLog(handle, 100_000);
            String txid = handle.createQuery("SELECT max(txid)::text FROM app.logging").mapTo(String.class).one();
            long lastSeq = handle.createQuery("SELECT max(seq) FROM app.logging").mapTo(Long.class).one();
            String caughtUp = handle.createQuery("SELECT pg_current_snapshot()::text").mapTo(String.class).one();
            String whileRunning = "1:" + txid + ":"; // the transaction had no id yet: its rows are past xmax
            String runningThen = txid + ":" + (Long.parseLong(txid) + 1) + ":" + txid; // the transaction was in progress
            prepareRead(handle);
            try {
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    Map<String, String> reads = Map.of(
                            "caught up", "EXECUTE read_pending('x', 2000, '%s', NULL, '0', %d)".formatted(caughtUp, Long.MIN_VALUE),
                            "batches of a new transaction", "EXECUTE read_pending('x', 100, '%s', '%s', '%s', %d)"
                                    .formatted(whileRunning, caughtUp, txid, lastSeq - 150),
                            "batches of a transaction running then", "EXECUTE read_pending('x', 100, '%s', '%s', '%s', %d)"
                                    .formatted(runningThen, caughtUp, txid, lastSeq - 150));
                    reads.forEach((what, execute) -> {
                        handle.execute("SET plan_cache_mode = " + mode);
                        String plan = String.join("\n", handle.createQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + execute)
                                .mapTo(String.class).list());
                        assertThat(logPagesTouched(plan)).as(what + ", " + mode + "\n" + plan).isLessThan(40);
                    });
                }
            } finally {
                forgetPreparedStatements(handle);
            }
        });
    }

    /** Pages of app.logging and its indexes a plan touched (its index scans' and the whole plan's buffers). */
    private static long logPagesTouched(String jsonPlan) {
        java.util.regex.Matcher scans = java.util.regex.Pattern.compile(
                "\"Relation Name\": \"logging\"[^{}]*?\"Shared Hit Blocks\": (\\d+)[^{}]*?\"Shared Read Blocks\": (\\d+)")
                .matcher(jsonPlan);
        long pages = 0;
        boolean found = false;
        while (scans.find()) {
            found = true;
            pages += Long.parseLong(scans.group(1)) + Long.parseLong(scans.group(2));
        }
        assertThat(found).as("a scan of app.logging in\n" + jsonPlan).isTrue();
        return pages;
    }

    private static void prepareRead(Handle handle) {
        handle.execute("PREPARE read_pending(text, int, text, text, text, bigint) AS "
                + PostgresChangeLog.READ_PENDING.replace(":instance", "$1").replace(":limit", "$2")
                .replace(":from", "$3").replace(":to", "$4").replace(":afterTxid", "$5").replace(":afterSeq", "$6"));
    }

    /** Analysed log rows, in one transaction: enough that PostgreSQL plans as it would for a real log. */
    private static void fillTheLog(Handle handle, int rows) {
        handle.execute("""
                INSERT INTO app.logging (entity_code, entity_id, action)
                SELECT 'project', gen_random_uuid(), 1 FROM generate_series(1, ?)""", rows);
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
