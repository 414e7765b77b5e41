package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.InstanceId;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link ChangeLog} over {@code app.logging}, read by one instance.
 *
 * <p>The position is the snapshot of the previous read ({@code pg_current_snapshot()}): every row
 * visible in it has been handed on. A read delivers the rows that became visible since, which are
 * the rows of transactions that were still running then (the snapshot's in-progress list) or had no
 * id yet (at or past its {@code xmax}), and that have committed now. So a change is read as soon as
 * its transaction commits, whatever other transactions are open, in this database or another; and
 * no commit order can make a row skip past the position, because a row stays outside every snapshot
 * until it commits and inside every later one after. A read larger than one batch is handed on in
 * (txid, seq) order against the snapshot it was first read with. The argument is in
 * {@code docs/database.md} and ADR 0011.
 *
 * <p>The position lives in memory, where every acknowledgement and every read that found nothing
 * moves it at once, and in {@code app.rtsync_reader}, written with the rows' marks at most once per
 * mark delay (a second by default) and at a clean stop, so a restart resumes there; a crash
 * re-delivers what was acknowledged since (at least once).
 *
 * <p>Close it at shutdown: it holds the connection that listens for notifications.
 */
public final class PostgresChangeLog implements ChangeLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeLog.class);

    /** How long acknowledged rows may wait before their marks and the position are written. */
    public static final Duration DEFAULT_MARK_DELAY = Duration.ofSeconds(1);
    // Past this many rows waiting to be marked, they are written at once: bounds the statement and the memory.
    static final int MOST_ROWS_WAITING_TO_BE_MARKED = 20_000;
    // A failed write is tried again after the mark delay, but not more often than this.
    private static final long MIN_STORE_RETRY_NANOS = Duration.ofMillis(500).toNanos();

    private final Jdbi jdbi;
    private final InstanceId instance;
    private final LogListener listener;
    private final long markDelayNanos;
    // All used on the watcher's thread only (readPending, acknowledge, awaitChanges), and by close after it.
    private ReadPosition position;
    private Batch lastBatch;
    private final List<Long> sentToMark = new ArrayList<>();
    private final List<Long> failedToMark = new ArrayList<>();
    private boolean positionToStore;
    private long firstUnmarkedAt;

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
        this(database, instanceId, DEFAULT_MARK_DELAY);
    }

    /**
     * @param markDelay how long acknowledged rows may wait before they are marked and the position is
     *                  stored, together, in one statement; {@link Duration#ZERO} writes at every
     *                  acknowledgement. A crash re-delivers what waited (at least once).
     */
    public PostgresChangeLog(PostgresDatabase database, String instanceId, Duration markDelay) {
        if (markDelay.isNegative()) {
            throw new IllegalArgumentException("the mark delay must not be negative");
        }
        this.markDelayNanos = markDelay.toNanos();
        this.jdbi = database.jdbi();
        this.instance = new InstanceId(instanceId);
        this.position = register(); // first: when the database is down this throws, and no listener connection is left open
        this.listener = new LogListener(database.url());
    }

    // Also called by PostgresInstanceRegistry when this instance registers afresh after being declared
    // dead (its row was removed). The position it returns then is not used: the watcher's own
    // position in memory is an older snapshot than the fresh row's, so keeping it reads at most
    // some changes again (at least once), and its next store writes it back.
    ReadPosition register() {
        return Failures.withHandle(jdbi, "register the reader", handle -> {
            handle.createUpdate("""
                            INSERT INTO app.rtsync_reader (instance_id, read_from)
                            VALUES (:instance, pg_current_snapshot())
                            ON CONFLICT (instance_id) DO NOTHING""")
                    .bind("instance", instance.value())
                    .execute();
            return handle.createQuery("""
                            SELECT read_from::text AS read_from, read_to::text AS read_to,
                                   read_after_txid::text AS read_after_txid, read_after_seq
                            FROM app.rtsync_reader WHERE instance_id = :instance""")
                    .bind("instance", instance.value())
                    .map((rs, ctx) -> new ReadPosition(rs.getString("read_from"), rs.getString("read_to"),
                            rs.getString("read_after_txid"), rs.getLong("read_after_seq")))
                    .one();
        });
    }

    /**
     * Where this instance is: everything visible in the snapshot {@code from} has been handed on;
     * when {@code to} is set, a read against that snapshot is under way, handed on up to and
     * including the row (afterTxid, afterSeq). Snapshots and txids in PostgreSQL's text form.
     */
    record ReadPosition(String from, String to, String afterTxid, long afterSeq) {

        static ReadPosition caughtUpTo(String snapshot) {
            return new ReadPosition(snapshot, null, null, 0);
        }
    }

    /** What {@link #readPending} returned last, and where acknowledging it moves the position. */
    private record Batch(List<Long> sequences, ReadPosition next) {
    }

    @Override
    public List<LoggedChange> readPending(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        ReadPosition from = position;
        Read read = Failures.withHandle(jdbi, "read the change log", handle -> readRows(handle, from, limit));
        List<LoggedChange> changes = read.rows().stream().map(Row::change).toList();
        ReadPosition next = read.rows().size() < limit
                ? ReadPosition.caughtUpTo(read.snapshot())
                : new ReadPosition(from.from(), read.snapshot(), read.rows().getLast().txid(), changes.getLast().sequence());
        if (changes.isEmpty()) {
            // Nothing became visible between the two snapshots, so the newer one says the same
            // "handed on" as the older: move without writing. A crash resumes from the stored one.
            position = next;
            lastBatch = null;
        } else {
            lastBatch = new Batch(changes.stream().map(LoggedChange::sequence).toList(), next);
        }
        return changes;
    }

    /** A pending row and the transaction that wrote it, which orders the log with its sequence. */
    private record Row(String txid, LoggedChange change) {
    }

    /** The rows of one read and the snapshot they were read against. */
    private record Read(String snapshot, List<Row> rows) {
    }

    /**
     * This instance's connections subscribed to the log row {@code p}: one probe of
     * {@code idx_rxdb_subscription_entity} per row. Kept as one fragment so that what a
     * subscription covers is decided in one place.
     */
    static final String SUBSCRIBERS_OF_ROW_ON_THIS_INSTANCE = """
            ARRAY(SELECT s.connection_id::text
                  FROM app.rxdb_subscription s
                  WHERE s.entity_code = p.entity_code
                    -- the row's own id, or the nil id: a subscription to the whole type (ADR 0016)
                    AND s.entity_id IN (p.entity_id, '00000000-0000-0000-0000-000000000000')
                    AND s.instance_id = :instance)""";

    // One statement, so one snapshot: the rows read are exactly those visible in the snapshot the
    // statement returns (pg_current_snapshot() is the statement's own snapshot), or, while a read
    // larger than one batch is under way, those visible in that read's snapshot :to.
    //
    // New since :from are the rows of transactions in its in-progress list (one index probe per
    // listed transaction that has committed meanwhile; a long transaction costs one probe a round
    // until it ends) and the rows of transactions at or past its xmax. Both branches walk
    // idx_logging_pending in (txid, seq) order from a single row comparison: a row comparison
    // beside a plain bound on txid made PostgreSQL start the scan at the wrong one of the two
    // (from the index's start, or from the transaction's first row: docs/database.md).
    //
    // The subscribers are a correlated subquery, one index probe per row, on purpose: written as a
    // join, PostgreSQL sized the join by the LIMIT (2,000 rows) and chose a hash join over a
    // sequential scan of every subscription, 62 ms per round with 100,000 subscriptions when 20 rows
    // were pending, 0.75 ms with the probes (docs/benchmarks.md).
    static final String READ_PENDING = """
            WITH snapshots AS MATERIALIZED (
                SELECT coalesce(CAST(:to AS pg_snapshot), pg_current_snapshot()) AS read_to),
            pending AS (
                SELECT c.* FROM (
                    (SELECT l.txid, l.seq, l.entity_code, l.entity_id, l.action, l.created_ts
                     FROM snapshots s
                     CROSS JOIN LATERAL pg_snapshot_xip(CAST(:from AS pg_snapshot)) AS running(txid)
                     CROSS JOIN LATERAL (
                         SELECT l.txid, l.seq, l.entity_code, l.entity_id, l.action, l.created_ts
                         FROM app.logging l
                         WHERE l.action <> 0
                           AND (l.txid, l.seq) > (running.txid, CASE WHEN running.txid = CAST(:afterTxid AS xid8)
                                                                     THEN :afterSeq ELSE -9223372036854775808 END)
                           AND l.txid <= running.txid
                         ORDER BY l.txid, l.seq
                         LIMIT :limit) l
                     WHERE running.txid >= CAST(:afterTxid AS xid8)
                       AND pg_visible_in_snapshot(running.txid, s.read_to))
                    UNION ALL
                    (SELECT l.txid, l.seq, l.entity_code, l.entity_id, l.action, l.created_ts
                     FROM app.logging l
                     WHERE l.action <> 0
                       AND (l.txid, l.seq) > (
                             greatest(CAST(:afterTxid AS xid8), pg_snapshot_xmax(CAST(:from AS pg_snapshot))),
                             CASE WHEN CAST(:afterTxid AS xid8) >= pg_snapshot_xmax(CAST(:from AS pg_snapshot))
                                  THEN :afterSeq ELSE -9223372036854775808 END)
                       AND l.txid < pg_snapshot_xmax((SELECT read_to FROM snapshots))
                       AND pg_visible_in_snapshot(l.txid, (SELECT read_to FROM snapshots))
                     ORDER BY l.txid, l.seq
                     LIMIT :limit)) c
                ORDER BY c.txid, c.seq
                LIMIT :limit)
            SELECT s.read_to::text AS read_to,
                   p.txid::text AS txid, p.seq, p.entity_code, p.entity_id, p.action, p.created_ts,
                   %s AS subscribers
            FROM snapshots s LEFT JOIN pending p ON true
            ORDER BY p.txid, p.seq""".formatted(SUBSCRIBERS_OF_ROW_ON_THIS_INSTANCE);

    private Read readRows(Handle handle, ReadPosition from, int limit) {
        String[] snapshot = new String[1];
        List<Row> rows = new ArrayList<>(Math.min(limit, 64));
        handle.createQuery(READ_PENDING)
                .bind("instance", instance.value())
                .bind("limit", limit)
                .bind("from", from.from())
                .bind("to", from.to())
                .bind("afterTxid", from.to() == null ? "0" : from.afterTxid())
                .bind("afterSeq", from.to() == null ? Long.MIN_VALUE : from.afterSeq())
                .scanResultSet((results, ctx) -> {
                    ResultSet rs = results.get();
                    while (rs.next()) {
                        snapshot[0] = rs.getString("read_to");
                        if (rs.getString("txid") != null) {
                            rows.add(new Row(rs.getString("txid"), new LoggedChange(
                                    rs.getLong("seq"),
                                    new EntityCode(rs.getString("entity_code")),
                                    new EntityId(rs.getObject("entity_id", UUID.class)),
                                    ChangeAction.fromLogCode(rs.getShort("action")),
                                    rs.getObject("created_ts", OffsetDateTime.class).toInstant(),
                                    connections(rs.getArray("subscribers")))));
                        }
                    }
                    return null;
                });
        return new Read(snapshot[0], rows);
    }

    /**
     * Moves the position past the rows and marks them, those in {@code failed} as failed. The
     * position moves in memory at once; the marks and the stored position are written together,
     * in one statement for everything acknowledged within the mark delay (by a later
     * acknowledgement, by {@link #awaitChanges} when the delay has passed, or by {@link #close}).
     * {@code handled} must be the batch {@link #readPending} returned last, whole: the position
     * moves past everything up to its last row.
     *
     * @throws IllegalStateException when {@code handled} is not that batch
     */
    @Override
    public void acknowledge(List<LoggedChange> handled, Collection<LoggedChange> failed) {
        if (handled.isEmpty()) {
            return;
        }
        List<Long> handledSeqs = handled.stream().map(LoggedChange::sequence).toList();
        Batch batch = lastBatch;
        if (batch == null || !batch.sequences().equals(handledSeqs)) {
            throw new IllegalStateException("acknowledge the batch readPending returned last, whole and once");
        }
        Set<Long> failedSeqs = failed.stream().map(LoggedChange::sequence).collect(Collectors.toSet());
        if (!positionToStore) {
            firstUnmarkedAt = System.nanoTime();
        }
        for (Long sequence : handledSeqs) {
            (failedSeqs.contains(sequence) ? failedToMark : sentToMark).add(sequence);
        }
        position = batch.next();
        positionToStore = true;
        lastBatch = null;
        if (marksDue()) {
            storeMarksAndPosition();
        }
    }

    private boolean marksDue() {
        return positionToStore && (System.nanoTime() - firstUnmarkedAt >= markDelayNanos
                || sentToMark.size() + failedToMark.size() >= MOST_ROWS_WAITING_TO_BE_MARKED);
    }

    /**
     * Writes the waiting marks and the position, in one statement so they move together. Rows are
     * locked in seq order so that two instances marking the same rows cannot deadlock. 'failed'
     * sticks: when any instance failed to deliver a row, the row says so. The position is upserted:
     * a reader row removed meanwhile (an operator's clean-up) comes back. When it fails, everything
     * stays waiting for the next attempt.
     *
     * <p>The commit does not wait for the WAL to reach the disk (synchronous_commit off, set by the
     * statement itself for its own transaction only, so it stays one round trip and the session's
     * setting is untouched afterwards). Losing it in a database crash only moves the position back,
     * and those rows are delivered again: at least once either way.
     */
    private void storeMarksAndPosition() {
        ReadPosition stored = position;
        Failures.withHandle(jdbi, "acknowledge changes", handle -> handle.createUpdate("""
                        WITH no_flush_wait AS (
                            SELECT set_config('synchronous_commit', 'off', true) AS setting),
                        locked AS (
                            SELECT seq FROM app.logging
                            WHERE seq = ANY(:sent) OR seq = ANY(:failed)
                            ORDER BY seq FOR UPDATE),
                        marked AS (
                            UPDATE app.logging l
                            SET sync_status = CASE WHEN l.seq = ANY(:failed) OR l.sync_status = 'failed'
                                                   THEN 'failed' ELSE 'sent' END,
                                sync_processed_ts = now()
                            FROM locked WHERE l.seq = locked.seq)
                        INSERT INTO app.rtsync_reader AS r
                            (instance_id, read_from, read_to, read_after_txid, read_after_seq, updated_ts)
                        SELECT :instance, CAST(:from AS pg_snapshot), CAST(:to AS pg_snapshot),
                               CAST(:afterTxid AS xid8), :afterSeq, now()
                        FROM no_flush_wait
                        ON CONFLICT (instance_id) DO UPDATE
                        SET read_from = excluded.read_from, read_to = excluded.read_to,
                            read_after_txid = excluded.read_after_txid, read_after_seq = excluded.read_after_seq,
                            updated_ts = excluded.updated_ts""")
                .bind("instance", instance.value())
                .bindArray("sent", Long.class, sentToMark)
                .bindArray("failed", Long.class, failedToMark)
                .bind("from", stored.from())
                .bind("to", stored.to())
                .bind("afterTxid", stored.afterTxid())
                .bind("afterSeq", stored.to() == null ? null : stored.afterSeq())
                .execute());
        sentToMark.clear();
        failedToMark.clear();
        positionToStore = false;
    }

    /**
     * Waits for a notification, or the fallback; meanwhile writes the waiting marks and position
     * once the mark delay has passed. When they cannot be written (the database is away), they stay
     * waiting and the wait goes on: delivery must not pause for the marks.
     */
    @Override
    public WakeUp awaitChanges(Duration fallback) throws InterruptedException {
        long deadline = System.nanoTime() + fallback.toNanos();
        while (positionToStore) {
            long untilDue = firstUnmarkedAt + markDelayNanos - System.nanoTime();
            long untilFallback = deadline - System.nanoTime();
            if (untilDue <= 0) {
                try {
                    storeMarksAndPosition();
                } catch (StorageUnavailableException e) {
                    LOG.warn("Could not store acknowledgements now; retrying in {} ms ({})",
                            Duration.ofNanos(Math.max(markDelayNanos, MIN_STORE_RETRY_NANOS)).toMillis(), e.getMessage());
                    firstUnmarkedAt = System.nanoTime() + Math.max(0, MIN_STORE_RETRY_NANOS - markDelayNanos);
                }
                continue;
            }
            if (untilFallback <= 0) {
                return WakeUp.FALLBACK_POLL;
            }
            WakeUp wakeUp = listener.await(Duration.ofNanos(Math.min(untilDue, untilFallback)));
            if (wakeUp == WakeUp.NOTIFIED) {
                return wakeUp;
            }
        }
        long remaining = deadline - System.nanoTime();
        return remaining <= 0 ? WakeUp.FALLBACK_POLL : listener.await(Duration.ofNanos(remaining));
    }

    /** Writes what waits to be marked (a clean stop re-delivers nothing), then stops listening. */
    @Override
    public void close() {
        try {
            if (positionToStore) {
                storeMarksAndPosition();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not store the last acknowledgements at shutdown; they will be delivered again ({})", e.getMessage());
        } finally {
            listener.close();
        }
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
