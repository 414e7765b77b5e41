package dev.rtsync.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Target: at least 100,000 subscribed ids per second in SUBSCRIBE messages of 100 ids. Opens the
 * connections first (not timed), builds every message up front (so the tool's own work is not
 * timed), then each connection sends its messages back to back; the clock stops at the last
 * SUBSCRIBED.
 */
final class SubscribeRateScenario {

    static Report run(Bench bench) throws InterruptedException {
        int connections = bench.options.integer("connections", 1_000, 1, 60_000);
        int messages = bench.options.integer("messages-per-connection", 10, 1, 100);
        int idsPerMessage = bench.options.integer("ids-per-message", 100, 1, 1_000);
        bench.options.rejectUnread();
        long totalIds = (long) connections * messages * idsPerMessage;
        if (totalIds > 5_000_000) {
            throw new UsageException("connections x messages x ids is " + totalIds + "; at most 5,000,000 per run");
        }
        bench.requireServer();
        bench.checkLimits(connections);
        Tokens tokens = bench.tokens();
        MessageCounter counter = new MessageCounter();
        Report report = new Report("subscribe-rate", bench.startedAt);
        try (Fleet fleet = bench.fleet(tokens)) {
            Fleet.Opened opened = fleet.open(connections, bench.handshakesInFlight,
                    Duration.ofNanos(Math.min(bench.connectTimeout.toNanos(), bench.secondsLeftNanos())), counter);
            List<List<String>> payloads = new ArrayList<>(connections);
            for (int c = 0; c < connections; c++) {
                List<String> mine = new ArrayList<>(messages);
                for (int m = 0; m < messages; m++) {
                    mine.add(subscribe(c, m, idsPerMessage));
                }
                payloads.add(mine);
            }
            Optional<ServerProcess.Sample> before = bench.sample(false);
            long start = System.nanoTime();
            int sent = 0;
            for (BenchSocket socket : fleet.sockets()) {
                if (socket.isOpen()) {
                    for (String message : payloads.get(socket.index)) {
                        socket.send(message);
                        sent++;
                    }
                }
            }
            int expectedReplies = sent;
            boolean all = MessageCounter.await(() -> counter.subscribed.get() + counter.errors.get() >= expectedReplies,
                    bench.phaseDeadline(Duration.ofSeconds(300)));
            long elapsed = counter.lastSubscribedAt.get() - start;
            Optional<ServerProcess.Sample> after = bench.sample(false);
            counter.closing();

            long ids = counter.subscribedIds.get();
            report.put("connections opened", opened.opened())
                    .put("connects per second", opened.perSecond())
                    .put("SUBSCRIBE messages sent", sent)
                    .put("ids per message", idsPerMessage)
                    .put("SUBSCRIBED received", counter.subscribed.get())
                    .put("ids confirmed (sum of SUBSCRIBED.count)", ids)
                    .put("ERRORs", counter.errors.get())
                    .put("all answered", all)
                    .put("seconds until last SUBSCRIBED", elapsed / 1e9)
                    .put("subscribed ids per second", elapsed <= 0 ? Double.NaN : ids / (elapsed / 1e9))
                    .note("subscribed ids per second", "target >= 100,000")
                    .put("SUBSCRIBE messages per second", elapsed <= 0 ? Double.NaN : counter.subscribed.get() / (elapsed / 1e9))
                    .put("server CPU s: subscribe", Bench.cpuBetween(before, after));
            Bench.putCompression(report, fleet);
            after.ifPresent(s -> report.put("server RSS after subscribe (KB)", s.rssKb()));
            if (!counter.firstError.get().isEmpty()) {
                report.put("first ERROR", counter.firstError.get());
            }
        }
        return report;
    }

    /** Fresh ids, different for every message of every connection (the rows need not exist). */
    private static String subscribe(int connection, int message, int ids) {
        StringBuilder sb = new StringBuilder(80 + ids * 39);
        sb.append("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[");
        for (int i = 0; i < ids; i++) {
            if (i > 0) {
                sb.append(',');
            }
            long high = 0x5eed_0000_0000_4000L | ((long) connection << 16);
            long low = 0x8000_0000_0000_0000L | ((long) message << 20) | i;
            sb.append('"').append(new UUID(high, low)).append('"');
        }
        return sb.append("]}}").toString();
    }

    private SubscribeRateScenario() {
    }
}
