package dev.rtsync.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 14's flood: one user holds {@code --flood-connections} connections (32, the per-user
 * maximum) and each cycles a SUBSCRIBE of {@code --ids-per-message} fresh ids and an
 * UNSUBSCRIBE_ALL as fast as the server answers, with {@code --in-flight} SUBSCRIBEs awaiting an
 * answer per connection, reconnecting whenever the server closes it.
 * Meanwhile {@code --observers} other users, one connection each, PING every
 * {@code --ping-interval-ms} and watch one project each, which a writer changes at {@code --rate}
 * per second. The same observers are measured twice in one run, first quiet, then under the
 * flood, for {@code --seconds} each.
 *
 * <p>Target: the observers' PING round trip p99 under the flood ≤ 20 ms, and their delivery
 * latency p50 under the flood within 2× of the quiet phase's.
 */
final class FloodScenario {

    private static final String UNSUBSCRIBE_ALL = "{\"type\":\"UNSUBSCRIBE_ALL\"}";
    private static final String PING = "{\"type\":\"PING\"}";
    private static final int MAX_RECONNECTS = 20_000;

    static Report run(Bench bench) throws InterruptedException {
        int floodConnections = bench.options.integer("flood-connections", 32, 1, 1_000);
        int observers = bench.options.integer("observers", 20, 1, 1_000);
        int idsPerMessage = bench.options.integer("ids-per-message", 1_000, 1, 1_000);
        int seconds = bench.options.integer("seconds", 15, 1, 120);
        int pingIntervalMs = bench.options.integer("ping-interval-ms", 50, 10, 10_000);
        int rate = bench.options.integer("rate", 20, 1, 1_000);
        int inFlight = bench.options.integer("in-flight", 4, 1, 64);
        String databaseUrl = bench.options.textOrEnv("database-url", "DATABASE_URL", "");
        String actingUser = bench.options.text("acting-user", Tokens.userId(0).toString());
        bench.options.rejectUnread();
        BenchDatabase database = BenchDatabase.parse(databaseUrl);
        SubscriptionPlan plan = new SubscriptionPlan(observers, 1, 1);
        if (plan.entities / (double) rate < 0.1) {
            throw new UsageException("each project would change every " + Math.round(1000.0 * plan.entities / rate)
                    + " ms; the matching of INVALIDATEs to commits needs at least 100 ms: more observers or a lower rate");
        }
        bench.requireServer();
        bench.checkLimits(observers + floodConnections);
        // The observers are users 1 .. observers, one connection each; the flooder is user 0. Each side has
        // clients and threads of its own, so that the tool's work for the flood does not delay the observers.
        Tokens observerTokens = new Tokens(bench.jwtSecret, observers + 1, Duration.ofHours(2), connection -> connection + 1);
        Tokens flooderTokens = new Tokens(bench.jwtSecret, 1, Duration.ofHours(2), connection -> 0);
        ChangeWriter writer = new ChangeWriter(database, ChangeWriter.DEFAULT_UPDATE, actingUser, 1, true);
        writer.seed(plan);

        Report report = new Report("flood", bench.startedAt);
        Observers watching = new Observers(observers, plan);
        Flooder flooder = new Flooder(idsPerMessage, inFlight);
        try (Fleet fleet = bench.fleet(observerTokens); Fleet floodFleet = bench.fleet(flooderTokens);
             ToolPauses toolPauses = new ToolPauses()) {
            Fleet.Opened opened = fleet.open(observers, bench.handshakesInFlight, Duration.ofSeconds(60), watching);
            if (opened.opened() < observers) {
                throw new UsageException("only " + opened.opened() + " of " + observers + " observers connected: " + opened.firstFailure());
            }
            for (BenchSocket socket : fleet.sockets()) {
                socket.send(plan.subscribeMessage(socket.index));
            }
            if (!MessageCounter.await(() -> watching.subscribed.get() >= observers, bench.phaseDeadline(Duration.ofSeconds(60)))) {
                throw new UsageException("the observers' SUBSCRIBEs were not all answered: " + watching.subscribed + " of " + observers);
            }
            TimeUnit.SECONDS.sleep(2);
            List<BenchSocket> observerSockets = fleet.snapshot().subList(0, observers);

            Phase quiet = measure(bench, writer, plan, rate, seconds, watching, observerSockets, pingIntervalMs);
            Optional<ServerProcess.Sample> beforeFlood = bench.sample(false);
            Thread reconnector = Thread.ofPlatform().name("flood-reconnector").daemon(true).start(() ->
                    flooder.keepConnected(floodFleet, bench.handshakesInFlight, floodConnections));
            if (!MessageCounter.await(() -> flooder.open(floodFleet) >= floodConnections || flooder.reconnects.get() > 0,
                    bench.phaseDeadline(Duration.ofSeconds(60)))) {
                System.err.println("warning: the flood's connections did not all open");
            }
            Phase flooded = measure(bench, writer, plan, rate, seconds, watching, observerSockets, pingIntervalMs);
            flooder.stop();
            reconnector.join(TimeUnit.SECONDS.toMillis(30));
            Optional<ServerProcess.Sample> afterFlood = bench.sample(false);

            quiet.addTo(report, "quiet");
            flooded.addTo(report, "flood");
            report.put("PING RTT p99, flood (ms)", Percentiles.millis(flooded.rtt.percentile(99)))
                    .note("PING RTT p99, flood (ms)", "target <= 20")
                    .put("delivery p50, flood / quiet", (double) flooded.latency.percentile(50) / Math.max(1, quiet.latency.percentile(50)))
                    .note("delivery p50, flood / quiet", "target <= 2")
                    .put("flood connections", floodConnections)
                    .put("flood SUBSCRIBEs in flight per connection", inFlight)
                    .put("flood SUBSCRIBEs sent", flooder.subscribes.get())
                    .put("flood SUBSCRIBED", flooder.subscribed.get())
                    .put("flood ERROR OVER_BUDGET", flooder.overBudget.get())
                    .put("flood ERROR RATE_LIMITED", flooder.rateLimited.get())
                    .put("flood other ERRORs", flooder.otherErrors.get())
                    .put("flood closes by the server", flooder.closes.get())
                    .put("flood first close", flooder.firstClose.get())
                    .put("flood reconnects", flooder.reconnects.get())
                    .put("server CPU s: flood phase", Bench.cpuBetween(beforeFlood, afterFlood));
            toolPauses.addTo(report);
        }
        return report;
    }

    /** What one phase measured of the observers. */
    private record Phase(Percentiles rtt, long pingsSent, long pongs, Percentiles latency, long deliveriesExpected,
                         long delivered, double commitsPerSecond) {
        void addTo(Report report, String name) {
            report.put("PING RTT p50, " + name + " (ms)", Percentiles.millis(rtt.percentile(50)))
                    .put("PING RTT p99, " + name + " (ms)", Percentiles.millis(rtt.percentile(99)))
                    .put("PING RTT max, " + name + " (ms)", Percentiles.millis(rtt.max()))
                    .put("PINGs sent / PONGs, " + name, pingsSent + " / " + pongs)
                    .put("delivery p50, " + name + " (ms)", Percentiles.millis(latency.percentile(50)))
                    .put("delivery p99, " + name + " (ms)", Percentiles.millis(latency.percentile(99)))
                    .put("deliveries expected / received, " + name, deliveriesExpected + " / " + delivered)
                    .put("commits per second, " + name, commitsPerSecond);
        }
    }

    private static Phase measure(Bench bench, ChangeWriter writer, SubscriptionPlan plan, int rate, int seconds,
                                 Observers watching, List<BenchSocket> observerSockets, int pingIntervalMs)
            throws InterruptedException {
        int planned = rate * seconds;
        Timeline timeline = new Timeline(System.nanoTime(), seconds + 30);
        DeliveryTracker tracker = new DeliveryTracker(plan, planned, timeline);
        watching.startPhase(tracker);
        AtomicBoolean pinging = new AtomicBoolean(true);
        Thread pinger = Thread.ofPlatform().name("flood-pinger").daemon(true).start(() -> {
            while (pinging.get()) {
                for (BenchSocket socket : observerSockets) {
                    watching.ping(socket);
                }
                try {
                    Thread.sleep(pingIntervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long deadline = Math.min(bench.deadlineNanos - TimeUnit.SECONDS.toNanos(40), System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 5L));
        ChangeWriter.Written written = writer.run(tracker, plan, rate, 1, deadline);
        MessageCounter.await(() -> tracker.delivered() >= tracker.expected(), bench.phaseDeadline(Duration.ofSeconds(10)));
        pinging.set(false);
        pinger.join();
        Thread.sleep(Math.max(200, pingIntervalMs)); // the last PONGs
        return new Phase(watching.rtts(), watching.pingsSent.getAndSet(0), watching.pongs.getAndSet(0), tracker.latencies(),
                tracker.expected(), tracker.delivered(), written.perSecond());
    }

    /** The observers: one PING in flight each, its round trip timed; INVALIDATEs to the phase's tracker. */
    private static final class Observers implements BenchSocket.Handler {
        final AtomicInteger subscribed = new AtomicInteger();
        final AtomicLong pingsSent = new AtomicLong();
        final AtomicLong pongs = new AtomicLong();
        private final AtomicLongArray pingSentAt;
        private final AtomicReference<DeliveryTracker> tracker = new AtomicReference<>();
        private final List<Long> rtts = new ArrayList<>();

        Observers(int count, SubscriptionPlan plan) {
            this.pingSentAt = new AtomicLongArray(count);
        }

        void startPhase(DeliveryTracker next) {
            synchronized (rtts) {
                rtts.clear();
            }
            tracker.set(next);
        }

        /** Sends a PING unless the last one is still unanswered (its wait then counts in full when it comes). */
        void ping(BenchSocket socket) {
            if (socket.isOpen() && pingSentAt.compareAndSet(socket.index, 0, System.nanoTime())) {
                socket.send(PING);
                pingsSent.incrementAndGet();
            }
        }

        Percentiles rtts() {
            synchronized (rtts) {
                long[] samples = rtts.stream().mapToLong(Long::longValue).toArray();
                return Percentiles.of(samples, samples.length);
            }
        }

        @Override
        public void onText(BenchSocket socket, CharSequence text, long receivedNanos) {
            switch (InvalidateParser.type(text)) {
                case PONG -> {
                    long sent = pingSentAt.getAndSet(socket.index, 0);
                    if (sent != 0) {
                        pongs.incrementAndGet();
                        synchronized (rtts) {
                            rtts.add(receivedNanos - sent);
                        }
                    }
                }
                case INVALIDATE -> {
                    DeliveryTracker current = tracker.get();
                    if (current != null) {
                        InvalidateParser.forEachChange(text, (id, version) -> current.received(socket.index, id, version, receivedNanos));
                    }
                }
                case SUBSCRIBED -> subscribed.incrementAndGet();
                default -> System.err.println("observer " + socket.index + " got " + text);
            }
        }
    }

    /** The flooding user: SUBSCRIBE of fresh ids, UNSUBSCRIBE_ALL, again at each answer; reconnects when closed. */
    private static final class Flooder implements BenchSocket.Handler {
        final AtomicLong subscribes = new AtomicLong();
        final AtomicLong subscribed = new AtomicLong();
        final AtomicLong overBudget = new AtomicLong();
        final AtomicLong rateLimited = new AtomicLong();
        final AtomicLong otherErrors = new AtomicLong();
        final AtomicLong closes = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();
        final AtomicReference<String> firstClose = new AtomicReference<>("");
        private final String[] messages;
        private final AtomicInteger next = new AtomicInteger();
        private final int inFlight;
        private volatile boolean flooding = true;

        Flooder(int idsPerMessage, int inFlight) {
            this.inFlight = inFlight;
            // A pool of prepared messages of fresh ids, so that building them costs the tool nothing during the run.
            messages = new String[64];
            for (int m = 0; m < messages.length; m++) {
                StringBuilder sb = new StringBuilder(80 + idsPerMessage * 39)
                        .append("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[");
                for (int i = 0; i < idsPerMessage; i++) {
                    sb.append(i == 0 ? "" : ",").append('"').append(UUID.randomUUID()).append('"');
                }
                messages[m] = sb.append("]}}").toString();
            }
        }

        void stop() {
            flooding = false;
        }

        int open(Fleet fleet) {
            int open = 0;
            for (BenchSocket socket : fleet.snapshot()) {
                if (socket.isOpen() && socket.flooding) {
                    open++;
                }
            }
            return open;
        }

        /** Opens flood connections until {@code count} are open, again whenever the server closes some, until stopped. */
        void keepConnected(Fleet fleet, int inFlight, int count) {
            boolean first = true;
            while (flooding && reconnects.get() < MAX_RECONNECTS) {
                int missing = count - open(fleet);
                if (missing > 0) {
                    try {
                        int from = fleet.snapshot().size();
                        fleet.open(missing, inFlight, Duration.ofSeconds(10), this);
                        List<BenchSocket> all = fleet.snapshot();
                        for (int i = from; i < all.size(); i++) {
                            BenchSocket socket = all.get(i);
                            socket.flooding = true;
                            for (int k = 0; k < inFlight && socket.isOpen(); k++) {
                                sendNext(socket);
                            }
                        }
                        if (!first) {
                            reconnects.addAndGet(missing);
                        }
                        first = false;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            for (BenchSocket socket : fleet.snapshot()) {
                if (socket.flooding) {
                    socket.close();
                }
            }
        }

        private void sendNext(BenchSocket socket) {
            if (!flooding || !socket.isOpen()) {
                return;
            }
            socket.send(UNSUBSCRIBE_ALL);
            socket.send(messages[Math.floorMod(next.getAndIncrement(), messages.length)]);
            subscribes.incrementAndGet();
        }

        @Override
        public void onText(BenchSocket socket, CharSequence text, long receivedNanos) {
            switch (InvalidateParser.type(text)) {
                case SUBSCRIBED -> subscribed.incrementAndGet();
                case ERROR -> {
                    String s = text.toString();
                    if (s.contains("\"OVER_BUDGET\"")) {
                        overBudget.incrementAndGet();
                    } else if (s.contains("\"RATE_LIMITED\"")) {
                        rateLimited.incrementAndGet();
                    } else {
                        otherErrors.incrementAndGet();
                    }
                }
                default -> {
                    return; // PONG of the heartbeat
                }
            }
            sendNext(socket);
        }

        @Override
        public void onClosed(BenchSocket socket, int statusCode, String reason) {
            if (flooding) {
                closes.incrementAndGet();
                firstClose.compareAndSet("", statusCode + " " + reason);
            }
        }
    }

    private FloodScenario() {
    }
}
