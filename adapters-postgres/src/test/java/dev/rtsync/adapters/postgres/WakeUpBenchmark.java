package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.application.port.out.WakeUp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what docs/database.md reports: commit-to-wake-up latency of LISTEN/NOTIFY against a
 * short poll, and what NOTIFY costs a committing writer. Not part of the build; run with
 * <pre>
 * ./mvnw -pl adapters-postgres -am verify -Dbenchmark=true -Dtest=WakeUpBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * (add TEST_DATABASE_URL=... to measure another server). Numbers go to standard output.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class WakeUpBenchmark {

    private static final int SAMPLES = 300;
    private static final int WRITERS = 4;
    private static final int COMMITS_PER_WRITER = 1_500;
    private static final String INSERT =
            "INSERT INTO app.logging (entity_code, entity_id, action) VALUES ('project', gen_random_uuid(), 1)";

    @Test
    void measure() throws Exception {
        try (TestDatabase db = TestDatabase.create(); PostgresDatabase database = PostgresDatabase.open(db.url())) {
            String version = database.jdbi().withHandle(h -> h.createQuery("SHOW server_version").mapTo(String.class).one());
            System.out.printf(Locale.ROOT, "%n=== wake-up benchmark on PostgreSQL %s, %d samples ===%n", version, SAMPLES);
            notifyLatency(db, database);
            for (int pollMillis : new int[] {1, 5, 20}) {
                pollLatency(db, pollMillis);
            }
            commitCost(db, database);
        }
    }

    /** From just before the writer's autocommit INSERT to the watcher waking. */
    private static void notifyLatency(TestDatabase db, PostgresDatabase database) throws Exception {
        try (PostgresChangeLog log = new PostgresChangeLog(database, "bench"); Connection writer = db.connect()) {
            SynchronousQueue<Long> woke = new SynchronousQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread watcher = Thread.ofPlatform().start(() -> {
                try {
                    while (running.get()) {
                        if (log.awaitChanges(Duration.ofSeconds(5)) == WakeUp.NOTIFIED) {
                            woke.put(System.nanoTime());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long[] latencies = new long[SAMPLES];
            long[] commits = new long[SAMPLES];
            try (Statement statement = writer.createStatement()) {
                for (int i = 0; i < SAMPLES; i++) {
                    long start = System.nanoTime();
                    statement.execute(INSERT);
                    commits[i] = System.nanoTime() - start;
                    latencies[i] = woke.poll(5, TimeUnit.SECONDS) - start;
                    Thread.sleep(ThreadLocalRandom.current().nextInt(1, 25)); // out of step with any poller
                }
            }
            running.set(false);
            watcher.interrupt();
            watcher.join();
            report("NOTIFY   wake-up", latencies);
            report("         the INSERT+commit itself", commits);
        }
    }

    /** A watcher asking for max(seq) every pollMillis; wake-up when it changes. */
    private static void pollLatency(TestDatabase db, int pollMillis) throws Exception {
        try (Connection poller = db.connect(); Connection writer = db.connect();
             PreparedStatement max = poller.prepareStatement("SELECT coalesce(max(seq), 0) FROM app.logging")) {
            SynchronousQueue<Long> woke = new SynchronousQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong polls = new AtomicLong();
            AtomicLong pollNanos = new AtomicLong();
            long initial = maxSeq(max); // before the first insert, not whenever the thread gets going
            Thread watcher = Thread.ofPlatform().start(() -> {
                try {
                    long seen = initial;
                    while (running.get()) {
                        long before = System.nanoTime();
                        long now = maxSeq(max);
                        pollNanos.addAndGet(System.nanoTime() - before);
                        polls.incrementAndGet();
                        if (now != seen) {
                            seen = now;
                            if (!woke.offer(System.nanoTime(), 1, TimeUnit.SECONDS)) {
                                System.out.println("poller: nobody took a wake-up");
                            }
                        } else {
                            Thread.sleep(pollMillis);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long[] latencies = new long[SAMPLES];
            try (Statement statement = writer.createStatement()) {
                for (int i = 0; i < SAMPLES; i++) {
                    long start = System.nanoTime();
                    statement.execute(INSERT);
                    latencies[i] = woke.poll(5, TimeUnit.SECONDS) - start;
                    Thread.sleep(ThreadLocalRandom.current().nextInt(1, 25)); // out of step with any poller
                }
            }
            running.set(false);
            watcher.join();
            report(String.format(Locale.ROOT, "POLL %2d ms wake-up", pollMillis), latencies);
            System.out.printf(Locale.ROOT, "         each poll took %.3f ms on average (%d polls)%n",
                    pollNanos.get() / 1e6 / polls.get(), polls.get());
        }
    }

    /**
     * WRITERS threads committing single-row non-VIEW inserts as fast as they can: with the trigger
     * as shipped, with the trigger minus its pg_notify (what the transition table and plpgsql
     * cost alone), and with no trigger.
     */
    private static void commitCost(TestDatabase db, PostgresDatabase database) throws Exception {
        String shipped = database.jdbi().withHandle(h -> h.createQuery(
                "SELECT pg_get_functiondef('app.notify_logged_changes'::regproc)").mapTo(String.class).one());
        String silent = shipped.replace("PERFORM pg_notify('rtsync_log', '');", "PERFORM 1;");
        try (PostgresChangeLog listening = new PostgresChangeLog(database, "bench-listener")) {
            for (int round = 0; round < 2; round++) { // the second round measures after warm-up
                for (String variant : List.of("trigger with NOTIFY", "trigger, no NOTIFY", "no trigger")) {
                    database.jdbi().useHandle(h -> {
                        h.execute(variant.equals("trigger, no NOTIFY") ? silent : shipped);
                        h.execute("ALTER TABLE app.logging " + (variant.equals("no trigger") ? "DISABLE" : "ENABLE")
                                + " TRIGGER notify_logged_changes");
                    });
                    double perSecond = commitsPerSecond(db);
                    if (round == 1) {
                        System.out.printf(Locale.ROOT, "%-20s: %d writers, %,.0f commits/s (%.3f ms per commit per writer)%n",
                                variant, WRITERS, perSecond, WRITERS * 1000 / perSecond);
                    }
                    listening.awaitChanges(Duration.ofMillis(1)); // keep the listener's queue drained
                }
            }
            database.jdbi().useHandle(h -> {
                h.execute(shipped);
                h.execute("ALTER TABLE app.logging ENABLE TRIGGER notify_logged_changes");
            });
        }
    }

    private static double commitsPerSecond(TestDatabase db) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int w = 0; w < WRITERS; w++) {
                done.add(pool.submit(() -> {
                    try (Connection writer = db.connect(); Statement statement = writer.createStatement()) {
                        for (int i = 0; i < COMMITS_PER_WRITER; i++) {
                            statement.execute(INSERT);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            return WRITERS * COMMITS_PER_WRITER / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long maxSeq(PreparedStatement max) throws SQLException {
        try (ResultSet rs = max.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-34s p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms%n", what,
                sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 9 / 10] / 1e6,
                sorted[sorted.length * 99 / 100] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
}
