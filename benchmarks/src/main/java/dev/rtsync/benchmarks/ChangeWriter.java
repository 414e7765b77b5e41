package dev.rtsync.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Changes entity rows the way the REST API does: one {@code UPDATE app.project} per transaction
 * (autocommit), so the table's trigger logs each change. Commit {@code k} is due at
 * {@code start + k / rate}; a writer that falls behind goes on at once rather than skipping, and
 * the report shows the rate reached. Several writers (own threads and database connections)
 * share the commits round-robin when one cannot reach the rate.
 */
final class ChangeWriter {

    static final String DEFAULT_UPDATE = "UPDATE app.project SET name = ?, updated_ts = now() WHERE id = ?";
    private static final String SCHEMA_HINT = "The load tool assumes the design's schema: table app.project(id uuid primary key,"
            + " name text, updated_ts timestamptz, ...) with defaults for every other column, and the trigger"
            + " app.log_entity_change('project') on it: the sample tables, which production migrations do not"
            + " create. Add them with DATABASE_URL=... java -jar rtsync.jar migrate --with-samples, or give"
            + " --update-sql for another table.";

    /** How the writing went. */
    record Written(int commits, long elapsedNanos, long worstBehindNanos, long worstCommitNanos) {
        double perSecond() {
            return elapsedNanos <= 0 ? 0 : commits / (elapsedNanos / 1e9);
        }
    }

    private final BenchDatabase database;
    private final String updateSql;
    private final String actingUser;
    private final int rowsPerCommit;
    private final boolean synchronousCommit;

    /**
     * @param rowsPerCommit     changes per transaction: 1 is what the REST API does; more lets one
     *                          writer log more changes per second than it can commit transactions
     * @param synchronousCommit false sets {@code synchronous_commit = off} for the writer's sessions:
     *                          a commit is visible at once but not awaited on disk, so the rate is
     *                          bounded by rtsync, not by this machine's fsync
     */
    ChangeWriter(BenchDatabase database, String updateSql, String actingUser, int rowsPerCommit, boolean synchronousCommit) {
        this.database = database;
        this.updateSql = updateSql;
        this.actingUser = actingUser;
        this.rowsPerCommit = rowsPerCommit;
        this.synchronousCommit = synchronousCommit;
    }

    Connection connect() {
        Properties props = new Properties();
        props.setProperty("reWriteBatchedInserts", "true");
        try {
            Connection connection = database.connect(props);
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                if (!actingUser.isEmpty()) {
                    st.execute("SELECT set_config('app.current_user_id', '" + UUID.fromString(actingUser) + "', false)");
                }
                if (!synchronousCommit) {
                    st.execute("SET synchronous_commit = off");
                }
            }
            return connection;
        } catch (SQLException e) {
            throw new UsageException("cannot connect to PostgreSQL at " + database + ": " + e.getMessage());
        }
    }

    /** The database's own words, without the statement text a batch error repeats. */
    static String describe(SQLException e) {
        SQLException cause = e.getNextException() != null ? e.getNextException() : e;
        String message = String.valueOf(cause.getMessage());
        int cut = message.indexOf("\n  Position:");
        message = cut > 0 ? message.substring(0, cut) : message;
        return "(" + cause.getSQLState() + ") " + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }

    /** Makes sure rows 0 to {@code entities - 1} exist; rows left by an earlier run are reused. */
    void seed(SubscriptionPlan plan) {
        String sql = "INSERT INTO app.project (id, name) VALUES (?::uuid, ?) ON CONFLICT (id) DO NOTHING";
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                for (int e = 0; e < plan.entities; e++) {
                    insert.setString(1, plan.idOf(e));
                    insert.setString(2, "bench project " + e);
                    insert.addBatch();
                    if ((e + 1) % 1000 == 0 || e == plan.entities - 1) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
            }
        } catch (SQLException e) {
            throw new UsageException("seeding app.project failed: " + describe(e) + "\n" + SCHEMA_HINT);
        }
    }

    /**
     * Commits {@code tracker.plannedCommits()} changes at {@code rate} per second with
     * {@code writers} threads, stopping early at {@code deadlineNanos}.
     */
    Written run(DeliveryTracker tracker, SubscriptionPlan plan, double rate, int writers, long deadlineNanos)
            throws InterruptedException {
        int planned = tracker.plannedCommits();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        AtomicReference<UsageException> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong worstBehind = new AtomicLong();
        AtomicLong worstCommit = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong lastReturn = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            connections.add(connect());
        }
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Connection connection = connections.get(w);
            Thread thread = new Thread(() -> {
                try (PreparedStatement update = connection.prepareStatement(updateSql)) {
                    connection.setAutoCommit(rowsPerCommit == 1);
                    int groups = (planned + rowsPerCommit - 1) / rowsPerCommit;
                    for (int g = writer; g < groups && failure.get() == null && !stop.get(); g += writers) {
                        int first = g * rowsPerCommit;
                        int last = Math.min(planned, first + rowsPerCommit);
                        long due = start + (long) (first * 1e9 / rate);
                        long now = System.nanoTime();
                        // A writer behind schedule has its due times in the past: the clock decides too.
                        if (due > deadlineNanos || now > deadlineNanos) {
                            break;
                        }
                        if (now < due) {
                            LockSupport.parkNanos(due - now);
                        } else {
                            worstBehind.accumulateAndGet(now - due, Math::max);
                        }
                        long before = System.nanoTime();
                        for (int k = first; k < last; k++) {
                            tracker.commitStarting(k, before);
                            update.setString(1, "bench change " + k);
                            update.setObject(2, UUID.fromString(plan.idOf(tracker.entityOf(k))));
                            int rows = update.executeUpdate();
                            if (rows != 1) {
                                throw new UsageException("the update changed " + rows + " rows instead of 1: is row "
                                        + plan.idOf(tracker.entityOf(k)) + " of app.project gone?");
                            }
                        }
                        if (rowsPerCommit > 1) {
                            connection.commit();
                        }
                        long after = System.nanoTime();
                        for (int k = first; k < last; k++) {
                            tracker.commitReturned(k, after);
                        }
                        worstCommit.accumulateAndGet(after - before, Math::max);
                        lastReturn.accumulateAndGet(after, Math::max);
                        done.addAndGet(last - first);
                    }
                } catch (SQLException e) {
                    failure.compareAndSet(null, new UsageException("committing a change failed: " + describe(e)
                            + "\n" + SCHEMA_HINT));
                } catch (UsageException e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-writer-" + w);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 5_000));
        }
        // The deliveries expected are counted from the commits made when this returns: no writer
        // may commit after that, or its deliveries would count as received but not as expected.
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a connection we are done with
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Written((int) done.get(), Math.max(0, lastReturn.get() - start), worstBehind.get(), worstCommit.get());
    }
}
