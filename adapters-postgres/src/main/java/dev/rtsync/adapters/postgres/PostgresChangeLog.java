package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link ChangeLog} over {@code app.logging}, read by one instance.
 *
 * <p>Each instance keeps its position in {@code app.rtsync_reader}: the (txid, seq) of the last
 * row it handed on. It reads rows after that position, in (txid, seq) order, but only rows
 * written by transactions older than every transaction still running
 * ({@code txid < pg_snapshot_xmin(pg_current_snapshot())}). No such row can appear later, so
 * moving the position past them never skips a change, however commits interleave. The argument
 * and its cost (a long writing transaction holds delivery back) are in {@code docs/database.md}.
 *
 * <p>Close it at shutdown: it holds the connection that listens for notifications.
 */
public final class PostgresChangeLog implements ChangeLog, AutoCloseable {

    private final Jdbi jdbi;
    private final InstanceId instance;
    private final LogListener listener;
    static final long FIRST_HELD_BACK_RETRY_MILLIS = 2;
    static final long MAX_HELD_BACK_RETRY_MILLIS = 100;
    // Written by readPending and read by awaitChanges, both on the watcher's thread.
    private volatile boolean heldBack;
    private long heldBackRetryMillis;

    /**
     * Registers the instance at the current end of the log when it has no position yet (a new
     * instance has no connections, so it owes nobody older changes), and starts listening at
     * once, so a commit after this returns is never missed by {@link #awaitChanges}.
     *
     * @throws dev.rtsync.application.port.out.StorageUnavailableException when the database cannot
     *         be reached to register
     *
     * @param instanceId the same name the instance's {@link PostgresSubscriptionStore} uses
     */
    public PostgresChangeLog(PostgresDatabase database, String instanceId) {
        this.jdbi = database.jdbi();
        this.instance = new InstanceId(instanceId);
        register(); // first: when the database is down this throws, and no listener connection is left open
        this.listener = new LogListener(database.url());
    }

    // Also called by PostgresInstanceRegistry when this instance registers afresh after being declared dead.
    void register() {
        Failures.withHandle(jdbi, "register the reader", handle -> handle.createUpdate("""
                        INSERT INTO app.rtsync_reader (instance_id, position_txid, position_seq)
                        VALUES (:instance, pg_snapshot_xmin(pg_current_snapshot()), 0)
                        ON CONFLICT (instance_id) DO NOTHING""")
                .bind("instance", instance.value())
                .execute());
    }

    @Override
    public List<LoggedChange> readPending(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return Failures.withHandle(jdbi, "read the change log", handle -> {
            List<Row> rows = readRows(handle, limit);
            // A short batch may stop at the horizon, with committed rows behind it that an older,
            // still running transaction holds back. That transaction's end notifies nobody, so say
            // so to awaitChanges, which then looks again soon.
            heldBack = rows.size() < limit && hasRowsAfter(handle, rows.isEmpty() ? null : rows.getLast());
            return rows.stream().map(Row::change).toList();
        });
    }

    /** A pending row and the transaction that wrote it, which orders the log with its sequence. */
    private record Row(String txid, LoggedChange change) {
    }

    // One statement: the rows, and per row this instance's subscribers as an array. The position
    // is read by scalar subqueries so that it becomes an index condition: the scan starts at the
    // position instead of filtering every row already handed on. The subscribers are a correlated
    // subquery, one index probe per row, on purpose: written as a join, PostgreSQL sized the join
    // by the LIMIT (2,000 rows) and chose a hash join over a sequential scan of every subscription,
    // 62 ms per round with 100,000 subscriptions when 20 rows were pending, 0.75 ms with the probes
    // (docs/benchmarks.md). A probe per row is what a round of any size wants.
    static final String READ_PENDING = """
            WITH pending AS (
                SELECT l.txid, l.seq, l.entity_code, l.entity_id, l.action, l.created_ts
                FROM app.logging l
                WHERE l.action <> 0
                  AND (l.txid, l.seq) > (
                        (SELECT position_txid FROM app.rtsync_reader WHERE instance_id = :instance),
                        (SELECT position_seq FROM app.rtsync_reader WHERE instance_id = :instance))
                  AND l.txid < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY l.txid, l.seq
                LIMIT :limit)
            SELECT p.txid::text AS txid, p.seq, p.entity_code, p.entity_id, p.action, p.created_ts,
                   ARRAY(SELECT s.connection_id::text
                         FROM app.rxdb_subscription s
                         WHERE s.entity_code = p.entity_code AND s.entity_id = p.entity_id
                           AND s.instance_id = :instance) AS subscribers
            FROM pending p
            ORDER BY p.txid, p.seq""";

    private List<Row> readRows(Handle handle, int limit) {
        return handle.createQuery(READ_PENDING)
                .bind("instance", instance.value())
                .bind("limit", limit)
                .map((rs, ctx) -> new Row(rs.getString("txid"), new LoggedChange(
                        rs.getLong("seq"),
                        new EntityCode(rs.getString("entity_code")),
                        new EntityId(rs.getObject("entity_id", UUID.class)),
                        ChangeAction.fromLogCode(rs.getShort("action")),
                        rs.getObject("created_ts", OffsetDateTime.class).toInstant(),
                        connections(rs.getArray("subscribers")))))
                .list();
    }

    // "Is there a row after (txid, seq)?" as the first row in index order, not as EXISTS: PostgreSQL
    // cannot estimate a row comparison against parameters or subqueries (it guesses a third of the
    // table), so for EXISTS it chose a sequential scan that reads the whole log whenever nothing
    // follows, 776 ms on 1.1 million rows, on every round of the watcher. ORDER BY ... LIMIT 1 in a
    // scalar subquery keeps the index scan, generic plan or not (docs/benchmarks.md).
    private static final String FIRST_ROW_AFTER = """
            SELECT (SELECT l.seq FROM app.logging l
                    WHERE l.action <> 0 AND (l.txid, l.seq) > %s
                    ORDER BY l.txid, l.seq LIMIT 1) IS NOT NULL""";
    static final String ROWS_AFTER_POSITION = FIRST_ROW_AFTER.formatted("""
            ((SELECT position_txid FROM app.rtsync_reader WHERE instance_id = :instance),
                     (SELECT position_seq FROM app.rtsync_reader WHERE instance_id = :instance))""");
    static final String ROWS_AFTER_ROW = FIRST_ROW_AFTER.formatted("(CAST(:txid AS xid8), :seq)");

    /**
     * Whether committed non-VIEW rows follow {@code last} (or the position, when nothing was read).
     * It looks past the horizon on purpose: its snapshot is newer than the read's, and a row that
     * became readable in between must count too.
     */
    private boolean hasRowsAfter(Handle handle, Row last) {
        var query = handle.createQuery(last == null ? ROWS_AFTER_POSITION : ROWS_AFTER_ROW).bind("instance", instance.value());
        if (last != null) {
            query.bind("txid", last.txid()).bind("seq", last.change().sequence());
        }
        return query.mapTo(Boolean.class).one();
    }

    /**
     * Marks the rows and moves the position to the last of them. {@code handled} must be a whole
     * batch as {@link #readPending} returned it (the position moves past everything up to its last row).
     */
    @Override
    public void acknowledge(List<LoggedChange> handled, Collection<LoggedChange> failed) {
        if (handled.isEmpty()) {
            return;
        }
        List<Long> handledSeqs = handled.stream().map(LoggedChange::sequence).toList();
        List<Long> failedSeqs = failed.stream().map(LoggedChange::sequence).toList();
        // One statement, so status and position move together. Rows are locked in seq order so
        // that two instances acknowledging the same rows cannot deadlock. 'failed' sticks: when
        // any instance failed to deliver a row, the row says so.
        //
        // The commit does not wait for the WAL to reach the disk (synchronous_commit off, set by
        // the statement itself for its own transaction only, so it stays one round trip). Losing an
        // acknowledgement in a database crash only moves the position back, and those rows are
        // delivered again: at least once either way. Waiting for the flush put a disk write on the
        // watcher's path between every two rounds (docs/benchmarks.md).
        Failures.withHandle(jdbi, "acknowledge changes", handle -> handle.createUpdate("""
                        WITH no_flush_wait AS (
                            SELECT set_config('synchronous_commit', 'off', true) AS setting),
                        locked AS (
                            SELECT seq FROM app.logging WHERE seq = ANY(:handled) ORDER BY seq FOR UPDATE),
                        marked AS (
                            UPDATE app.logging l
                            SET sync_status = CASE WHEN l.seq = ANY(:failed) OR l.sync_status = 'failed'
                                                   THEN 'failed' ELSE 'sent' END,
                                sync_processed_ts = now()
                            FROM locked WHERE l.seq = locked.seq
                            RETURNING l.txid, l.seq),
                        last AS (
                            SELECT txid, seq FROM marked ORDER BY txid DESC, seq DESC LIMIT 1)
                        UPDATE app.rtsync_reader r
                        SET position_txid = last.txid, position_seq = last.seq, updated_ts = now()
                        FROM last, no_flush_wait
                        WHERE r.instance_id = :instance
                          AND (last.txid, last.seq) > (r.position_txid, r.position_seq)""")
                .bind("instance", instance.value())
                .bindArray("handled", Long.class, handledSeqs)
                .bindArray("failed", Long.class, failedSeqs)
                .execute());
    }

    /**
     * Waits for a notification, or the fallback; after a read that was {@linkplain #readPending held
     * back}, only for a short retry that grows from {@value #FIRST_HELD_BACK_RETRY_MILLIS} ms to
     * {@value #MAX_HELD_BACK_RETRY_MILLIS} ms while the older transaction runs on.
     */
    @Override
    public WakeUp awaitChanges(Duration fallback) throws InterruptedException {
        if (!heldBack) {
            heldBackRetryMillis = 0;
            return listener.await(fallback);
        }
        heldBackRetryMillis = heldBackRetryMillis == 0
                ? FIRST_HELD_BACK_RETRY_MILLIS
                : Math.min(heldBackRetryMillis * 2, MAX_HELD_BACK_RETRY_MILLIS);
        Duration retry = Duration.ofMillis(heldBackRetryMillis);
        WakeUp wakeUp = listener.await(retry.compareTo(fallback) < 0 ? retry : fallback);
        return wakeUp == WakeUp.FALLBACK_POLL ? WakeUp.HELD_BACK : wakeUp;
    }

    @Override
    public void close() {
        listener.close();
    }

    private static Set<ConnectionId> connections(Array array) throws SQLException {
        if (array == null) {
            return Set.of();
        }
        try {
            return Arrays.stream((String[]) array.getArray()).map(ConnectionId::new).collect(Collectors.toUnmodifiableSet());
        } finally {
            array.free();
        }
    }
}
