package dev.rtsync.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The three scenarios that commit changes and time their INVALIDATEs; they differ only in shape:
 *
 * <ul>
 *   <li>{@code latency}: 10,000 connections, 10 subscribers per entity, 1,000 changes/s.
 *       Target p50 ≤ 5 ms, p99 ≤ 25 ms, none missing.</li>
 *   <li>{@code fanout}: one entity watched by 10,000 connections, changed a few times, seconds apart.
 *       Target: every change reaches all of them within 200 ms.</li>
 *   <li>{@code throughput}: 10,000 changes/s over several writers, one subscriber each.
 *       Target: all delivered, and the lag does not grow.</li>
 *   <li>{@code long-transaction}: {@code latency}'s shape while a writing transaction stays open for
 *       the whole run, in another database of the same server or in this one (issue 13).
 *       Target: the same latency as without it.</li>
 * </ul>
 *
 * Phases: seed rows, connect, subscribe, let the server settle, commit at the rate (first for the
 * warm-up, then for the measured seconds, without a pause between), wait for the last deliveries,
 * report. Each phase has its own time limit inside the run's.
 */
final class ChangeScenario {

    private record Shape(int connections, int idsPerConnection, int subscribersPerEntity, double rate,
                         int seconds, int warmUpSeconds, int writers, int rowsPerCommit, boolean synchronousCommit) {
    }

    static Report run(Bench bench) throws InterruptedException {
        Shape shape = switch (bench.scenario) {
            case "latency", "long-transaction" -> new Shape(
                    bench.options.integer("connections", 10_000, 1, 60_000),
                    bench.options.integer("ids-per-connection", 10, 1, 1_000),
                    bench.options.integer("subscribers-per-entity", 10, 1, 60_000),
                    bench.options.integer("rate", 1_000, 1, 50_000),
                    bench.options.integer("seconds", 30, 1, 600),
                    bench.options.integer("warmup-seconds", 10, 0, 300),
                    bench.options.integer("writers", 1, 1, 16),
                    bench.options.integer("rows-per-commit", 1, 1, 1_000),
                    bench.options.flag("synchronous-commit", true));
            case "fanout" -> {
                int subscribers = bench.options.integer("subscribers", 10_000, 1, 60_000);
                int rounds = bench.options.integer("rounds", 5, 1, 100);
                int gapSeconds = bench.options.integer("gap-seconds", 2, 1, 60);
                int warmUpRounds = bench.options.integer("warmup-rounds", 3, 0, 100);
                yield new Shape(subscribers, 1, subscribers, 1.0 / gapSeconds, rounds * gapSeconds, warmUpRounds * gapSeconds,
                        1, 1, bench.options.flag("synchronous-commit", true));
            }
            case "throughput" -> new Shape(
                    bench.options.integer("connections", 1_000, 1, 60_000),
                    bench.options.integer("ids-per-connection", 100, 1, 1_000),
                    bench.options.integer("subscribers-per-entity", 1, 1, 60_000),
                    bench.options.integer("rate", 10_000, 1, 50_000),
                    bench.options.integer("seconds", 30, 1, 600),
                    bench.options.integer("warmup-seconds", 10, 0, 300),
                    bench.options.integer("writers", 4, 1, 16),
                    bench.options.integer("rows-per-commit", 1, 1, 1_000),
                    bench.options.flag("synchronous-commit", false));
            default -> throw new IllegalArgumentException(bench.scenario);
        };
        int settleSeconds = bench.options.integer("settle-seconds", 3, 0, 120);
        int drainSeconds = bench.options.integer("drain-seconds", 10, 1, 300);
        String updateSql = bench.options.text("update-sql", ChangeWriter.DEFAULT_UPDATE);
        String actingUser = bench.options.text("acting-user", Tokens.userId(0).toString());
        boolean seed = bench.options.flag("seed", true);
        // Several tools at once (one per rtsync instance, docs/scaling.md) each take their own projects.
        int entityOffset = bench.options.integer("entity-offset", 0, 0, 10_000_000);
        String holdDatabase = bench.scenario.equals("long-transaction") ? bench.options.text("hold-database", "postgres") : null;
        String databaseUrl = bench.options.textOrEnv("database-url", "DATABASE_URL", "");
        boolean latencyShape = bench.scenario.equals("latency") || bench.scenario.equals("long-transaction");
        int stuckClients = latencyShape ? bench.options.integer("stuck-clients", 0, 0, 1_000) : 0;
        int stuckIds = latencyShape ? bench.options.integer("stuck-ids", 10_000, 1, 10_000) : 0;
        bench.options.rejectUnread();
        BenchDatabase database = BenchDatabase.parse(databaseUrl);

        long warmUpLong = Math.round(shape.rate() * shape.warmUpSeconds());
        long plannedLong = warmUpLong + Math.max(1, Math.round(shape.rate() * shape.seconds()));
        if (plannedLong > 2_000_000) {
            throw new UsageException("rate x (warm-up + seconds) is " + plannedLong + " changes; at most 2,000,000 per run");
        }
        int planned = (int) plannedLong;
        int warmUp = (int) warmUpLong;
        SubscriptionPlan plan = new SubscriptionPlan(shape.connections(), shape.idsPerConnection(), shape.subscribersPerEntity(),
                entityOffset);
        double gapSeconds = plan.entities / shape.rate();
        if (!bench.scenario.equals("fanout") && gapSeconds < 0.1) {
            throw new UsageException("each entity would change every " + Math.round(gapSeconds * 1000) + " ms; the matching of"
                    + " INVALIDATEs to commits needs at least 100 ms: more connections or ids per connection, or a lower rate");
        }
        bench.requireServer();
        bench.checkLimits(shape.connections());
        Tokens tokens = bench.tokens();
        ChangeWriter writer = new ChangeWriter(database, updateSql, actingUser, shape.rowsPerCommit(),
                shape.synchronousCommit());

        Report report = new Report(bench.scenario, bench.startedAt);
        if (seed) {
            long seedStart = System.nanoTime();
            writer.seed(plan);
            report.put("rows seeded or reused", plan.entities).put("seed seconds", (System.nanoTime() - seedStart) / 1e9);
        }

        Optional<ServerProcess.Sample> idle = bench.sample(false);
        long timelineStart = System.nanoTime();
        Timeline timeline = new Timeline(timelineStart, (int) TimeUnit.NANOSECONDS.toSeconds(bench.secondsLeftNanos()) + 2);
        DeliveryTracker tracker = new DeliveryTracker(plan, planned, warmUp, timeline);
        MessageCounter counter = new MessageCounter(tracker);
        try (Fleet fleet = bench.fleet(tokens); ToolPauses toolPauses = new ToolPauses()) {
            Fleet.Opened opened = fleet.open(shape.connections(), bench.handshakesInFlight,
                    Duration.ofNanos(Math.min(bench.connectTimeout.toNanos(), bench.secondsLeftNanos())), counter);
            Optional<ServerProcess.Sample> connected = bench.sample(false);
            if (opened.opened() < shape.connections()) {
                System.err.println("warning: only " + opened.opened() + " of " + shape.connections() + " connections opened ("
                        + opened.firstFailure() + "); their subscriptions count as missing");
            }

            long subscribeStart = System.nanoTime();
            int subscribes = 0;
            for (BenchSocket socket : fleet.sockets()) {
                if (socket.isOpen()) {
                    socket.send(plan.subscribeMessage(socket.index));
                    subscribes++;
                }
            }
            int expectedSubscribed = subscribes;
            boolean allSubscribed = MessageCounter.await(() -> counter.subscribed.get() + counter.errors.get() >= expectedSubscribed,
                    bench.phaseDeadline(Duration.ofSeconds(120)));
            long subscribeNanos = counter.lastSubscribedAt.get() - subscribeStart;
            Optional<ServerProcess.Sample> subscribed = bench.sample(false);
            if (!allSubscribed || counter.errors.get() > 0) {
                System.err.println("warning: " + counter.subscribed.get() + " of " + expectedSubscribed + " SUBSCRIBED, "
                        + counter.errors.get() + " ERRORs " + counter.firstError.get());
            }
            TimeUnit.SECONDS.sleep(settleSeconds);
            long unexpectedBefore = tracker.unexpected();

            // Leave room in the run's bound for draining and closing.
            long writeDeadline = Math.min(bench.deadlineNanos - TimeUnit.SECONDS.toNanos(drainSeconds + 10L),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(shape.warmUpSeconds() + shape.seconds() + 5L));
            HeldTransaction held = holdDatabase == null ? null : HeldTransaction.open(writer, database, holdDatabase);
            Connection sampler = writer.connect();
            Optional<PostgresCpu.Sample> postgresBeforeWrite = PostgresCpu.sample(sampler);
            Optional<ServerProcess.Sample> beforeWrite = bench.sample(false);
            StuckPhase stuck = stuckClients == 0 ? null : StuckPhase.start(bench, tokens, plan, tracker, stuckClients, stuckIds,
                    shape.connections(), TimeUnit.MILLISECONDS.toNanos(100 + Math.round((shape.warmUpSeconds() + shape.seconds() / 2.0) * 1000)));
            ChangeWriter.Written written = writer.run(tracker, plan, shape.rate(), shape.writers(), writeDeadline);
            Optional<ServerProcess.Sample> afterWrite = bench.sample(false);
            long expected = tracker.expected();
            MessageCounter.await(() -> tracker.delivered() >= expected, bench.phaseDeadline(Duration.ofSeconds(drainSeconds)));
            Optional<ServerProcess.Sample> drained = bench.sample(false);
            Optional<PostgresCpu.Split> postgresCpu = PostgresCpu.between(postgresBeforeWrite, PostgresCpu.sample(sampler));
            closeQuietly(sampler);
            if (held != null) {
                report.put("transaction held open in", held.where())
                        .put("held transaction still open at the end", held.closeAndReportStillOpen());
            }
            counter.closing();

            long delivered = tracker.delivered();
            Percentiles latency = tracker.latencies();
            Percentiles warmUpLatency = tracker.warmUpLatencies();
            Percentiles fanOut = tracker.fanOutTimes();
            report.put("connections opened", opened.opened())
                    .put("connects per second", opened.perSecond())
                    .put("subscribed ids per second", subscribeNanos <= 0 ? Double.NaN
                            : counter.subscribedIds.get() / (subscribeNanos / 1e9))
                    .put("entities", plan.entities)
                    .put("subscribers per entity", shape.subscribersPerEntity())
                    .put("seconds between changes of one entity", gapSeconds)
                    .put("changes planned", planned)
                    .put("warm-up changes", warmUp)
                    .note("warm-up changes", "the first ones: delivered and counted for missing, left out of latency and fan-out")
                    .put("changes committed", written.commits())
                    .put("changes per transaction", shape.rowsPerCommit())
                    .put("commit rate reached (/s)", written.perSecond())
                    .note("commit rate reached (/s)", "asked: " + shape.rate())
                    .put("writer worst behind schedule (ms)", Percentiles.millis(written.worstBehindNanos()))
                    .put("slowest commit round trip (ms)", Percentiles.millis(written.worstCommitNanos()))
                    .note("slowest commit round trip (ms)", "latency is timed from the commit's return: true latency is up to this much more")
                    .put("deliveries expected", expected)
                    .put("deliveries received", delivered)
                    .put("deliveries missing", expected - delivered)
                    .note("deliveries missing", "target 0")
                    .put("commits that missed a subscriber", tracker.commitsMissingSomeone())
                    .put("duplicate INVALIDATE changes", tracker.duplicates())
                    .put("unexpected INVALIDATE changes", tracker.unexpected() - unexpectedBefore)
                    .note("unexpected INVALIDATE changes", "for entities or times this run did not change")
                    .put("deliveries before the commit returned", tracker.beforeCommitReturned())
                    .note("deliveries before the commit returned", "counted as 0 ms")
                    .put("latency p50 (ms)", Percentiles.millis(latency.percentile(50)))
                    .put("latency p95 (ms)", Percentiles.millis(latency.percentile(95)))
                    .put("latency p99 (ms)", Percentiles.millis(latency.percentile(99)))
                    .put("latency max (ms)", Percentiles.millis(latency.max()))
                    .put("latency samples", latency.count())
                    .put("warm-up latency p50 (ms)", Percentiles.millis(warmUpLatency.percentile(50)))
                    .put("warm-up latency p99 (ms)", Percentiles.millis(warmUpLatency.percentile(99)))
                    .put("full fan-out p50 (ms)", Percentiles.millis(fanOut.percentile(50)))
                    .put("full fan-out max (ms)", Percentiles.millis(fanOut.max()))
                    .note("full fan-out max (ms)", "commit returned -> last subscriber received, over commits that reached all")
                    .put("ERRORs", counter.errors.get())
                    .put("closed by server", counter.closedByServer.get());
            Bench.putCompression(report, fleet);
            if (!counter.firstError.get().isEmpty()) {
                report.put("first ERROR", counter.firstError.get());
            }
            if (!counter.firstClose.get().isEmpty()) {
                report.put("first close by server", counter.firstClose.get());
            }
            idle.ifPresent(s -> report.put("server RSS idle (KB)", s.rssKb()));
            subscribed.ifPresent(s -> report.put("server RSS after subscribe (KB)", s.rssKb()));
            drained.ifPresent(s -> report.put("server RSS after run (KB)", s.rssKb()));
            if (beforeWrite.isPresent() && drained.isPresent() && delivered > 0) {
                report.put("server CPU per delivery, write + drain (µs)",
                        (Bench.cpuBetween(beforeWrite, afterWrite) + Bench.cpuBetween(afterWrite, drained)) * 1e6 / delivered);
            }
            postgresCpu.ifPresent(cpu -> report
                    .put("PostgreSQL CPU s, rtsync's backends: write + drain", cpu.rtsyncSeconds())
                    .put("PostgreSQL CPU per committed change, rtsync's backends (µs)",
                            written.commits() == 0 ? Double.NaN : cpu.rtsyncSeconds() * 1e6 / written.commits())
                    .note("PostgreSQL CPU per committed change, rtsync's backends (µs)",
                            "its reads and acknowledgements; /proc of this database's backends, the tool's own left out"));
            if (idle.isPresent()) {
                report.put("server CPU s: connect", Bench.cpuBetween(idle, connected))
                        .put("server CPU s: subscribe", Bench.cpuBetween(connected, subscribed))
                        .put("server CPU s: write", Bench.cpuBetween(beforeWrite, afterWrite))
                        .put("server CPU s: drain", Bench.cpuBetween(afterWrite, drained));
            }
            if (stuck != null) {
                stuck.addTo(report, tracker);
            }
            toolPauses.addTo(report);
            addTimeline(report, timeline.seconds());
        }
        return report;
    }

    /** The worst latency of each second; a lag that grows shows as a rising last third. */
    private static void addTimeline(Report report, List<Timeline.Second> seconds) {
        List<Timeline.Second> active = seconds.stream().filter(s -> s.commits() > 0 || s.deliveries() > 0).toList();
        if (active.size() < 3) {
            return;
        }
        int third = active.size() / 3;
        double first = active.subList(0, third).stream().mapToLong(Timeline.Second::maxLatencyNanos).average().orElse(0);
        double last = active.subList(active.size() - third, active.size()).stream()
                .mapToLong(Timeline.Second::maxLatencyNanos).average().orElse(0);
        report.put("worst latency per second, first third avg (ms)", Percentiles.millis((long) first))
                .put("worst latency per second, last third avg (ms)", Percentiles.millis((long) last))
                .note("worst latency per second, last third avg (ms)", "a clear rise over the first third means the lag grows");
        StringBuilder perSecond = new StringBuilder();
        for (Timeline.Second s : active) {
            perSecond.append(s.second()).append(':').append(s.commits()).append('/').append(s.deliveries()).append('/')
                    .append(Percentiles.millis(s.maxLatencyNanos())).append(' ');
        }
        report.put("per second commits/deliveries/worst ms", perSecond.toString().strip());
    }

    /**
     * {@code --stuck-clients N}: halfway through the measured seconds, N clients subscribe to the
     * same rows as the measured ones and then never read ({@link StuckClients}); the measured
     * clients' latencies are reported for the commits before and after, and what the server did
     * with the stuck clients (its slow-consumer cut-off, by close code).
     */
    private static final class StuckPhase {
        private final Thread thread;
        private final int requested;
        private final int idsEach;
        private volatile StuckClients clients;
        private volatile String failure = "";

        private StuckPhase(int requested, int idsEach, Runnable body) {
            this.requested = requested;
            this.idsEach = idsEach;
            this.thread = new Thread(body, "bench-stuck-clients");
        }

        static StuckPhase start(Bench bench, Tokens tokens, SubscriptionPlan plan, DeliveryTracker tracker, int count,
                                int ids, int firstConnection, long afterNanos) {
            long at = System.nanoTime() + afterNanos;
            StuckPhase[] self = new StuckPhase[1];
            self[0] = new StuckPhase(count, Math.min(ids, plan.entities), () -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, at - System.nanoTime()));
                    self[0].clients = StuckClients.open(bench.target, bench.port, count, tokens, firstConnection, plan, ids);
                    tracker.startSecondPhase();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.io.IOException | RuntimeException e) {
                    self[0].failure = e.toString();
                }
            });
            self[0].thread.setDaemon(true);
            self[0].thread.start();
            return self[0];
        }

        void addTo(Report report, DeliveryTracker tracker) throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            Percentiles without = tracker.firstPhaseLatencies();
            Percentiles with = tracker.secondPhaseLatencies();
            report.put("stuck clients", requested)
                    .put("stuck clients' subscribed ids each", idsEach)
                    .put("latency without stuck clients p50 (ms)", Percentiles.millis(without.percentile(50)))
                    .put("latency without stuck clients p99 (ms)", Percentiles.millis(without.percentile(99)))
                    .put("latency without stuck clients samples", without.count())
                    .put("latency with stuck clients p50 (ms)", Percentiles.millis(with.percentile(50)))
                    .put("latency with stuck clients p99 (ms)", Percentiles.millis(with.percentile(99)))
                    .put("latency with stuck clients samples", with.count())
                    .note("latency with stuck clients samples", "commits from " + tracker.secondPhaseFrom()
                            + " on: the stuck clients had subscribed (and stopped reading) before they started");
            StuckClients opened = clients;
            if (opened == null) {
                report.put("stuck clients' failure", failure.isEmpty() ? "not opened before the end" : failure);
                return;
            }
            try (opened) {
                StuckClients.Outcome outcome = opened.outcome(3_000);
                report.put("stuck clients closed by the server", outcome.closed())
                        .put("stuck clients' close codes", outcome.codes())
                        .note("stuck clients' close codes", "4008 slow consumer; " + StuckClients.NO_CLOSE_FRAME
                                + ": the stream ended without a close frame (cut off at the TCP level)")
                        .put("stuck clients still open at the end", outcome.stillOpen())
                        .put("stuck clients' message bytes received, average (KB)", outcome.bytesReceived() / 1024.0 / outcome.clients())
                        .note("stuck clients' message bytes received, average (KB)", "what the server had written to them (kernel buffers included) when read at the end");
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // only a sampling connection
        }
    }

    /**
     * A writing transaction left open for the whole write phase, as a nightly job or a session idle
     * in a transaction would: in another database of the same server (a table of its own), or with
     * {@value #THIS_DATABASE} in rtsync's database, writing a row to {@code app.logging} itself.
     */
    private record HeldTransaction(Connection connection, String where) {

        static final String THIS_DATABASE = "@this";

        static HeldTransaction open(ChangeWriter writer, BenchDatabase database, String holdIn) {
            String holdDatabase = holdIn.equals(THIS_DATABASE) ? "" : holdIn;
            try {
                Connection connection = holdDatabase.isEmpty() ? writer.connect() : database.withDatabase(holdDatabase).connect();
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    if (holdDatabase.isEmpty()) {
                        statement.execute("INSERT INTO app.logging (entity_code, entity_id, action)"
                                + " VALUES ('project', gen_random_uuid(), 1)");
                    } else {
                        statement.execute("CREATE TEMP TABLE rtsync_bench_held (id int)");
                        statement.execute("INSERT INTO rtsync_bench_held VALUES (1)");
                    }
                }
                return new HeldTransaction(connection, holdDatabase.isEmpty() ? "this database (writes app.logging)"
                        : "database " + holdDatabase);
            } catch (SQLException e) {
                throw new UsageException("cannot hold a transaction open in " + (holdDatabase.isEmpty() ? "this database"
                        : "database " + holdDatabase) + ": " + e.getMessage());
            }
        }

        /** Whether the transaction still held its id at the end (so it spanned the whole run); rolls it back. */
        boolean closeAndReportStillOpen() {
            try (connection; Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")) {
                rs.next();
                boolean open = rs.getBoolean(1);
                connection.rollback();
                return open;
            } catch (SQLException e) {
                return false;
            }
        }
    }

    private ChangeScenario() {
    }
}
