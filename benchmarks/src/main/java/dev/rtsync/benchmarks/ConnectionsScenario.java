package dev.rtsync.benchmarks;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Target: 50,000 authenticated connections held by one instance, at most 10 KB of server RSS per
 * connection beyond the idle process. Opens N connections, proves each is authenticated and alive
 * with a PING answered by a PONG, holds them, and reads the server's RSS and heap before and after.
 */
final class ConnectionsScenario {

    static Report run(Bench bench) throws InterruptedException {
        int connections = bench.options.integer("connections", 50_000, 1, 60_000);
        int holdSeconds = bench.options.integer("hold-seconds", 10, 0, 600);
        boolean heap = bench.options.flag("heap", true);
        bench.options.rejectUnread();
        bench.requireServer();
        bench.checkLimits(connections);
        Tokens tokens = bench.tokens();

        Optional<ServerProcess.Sample> idle = bench.sample(heap);
        MessageCounter counter = new MessageCounter();
        Report report = new Report("connections", bench.startedAt);
        try (Fleet fleet = bench.fleet(tokens)) {
            Fleet.Opened opened = fleet.open(connections, bench.handshakesInFlight,
                    Duration.ofNanos(Math.min(bench.connectTimeout.toNanos(), bench.secondsLeftNanos())), counter);
            Optional<ServerProcess.Sample> connected = bench.sample(false);

            // Every connection that the server accepted answers a PING; one refused for its token does not.
            long pingStart = System.nanoTime();
            for (BenchSocket socket : fleet.sockets()) {
                if (socket.isOpen()) {
                    socket.send("{\"type\":\"PING\"}");
                }
            }
            MessageCounter.await(() -> counter.connectionsThatAnsweredPing.get() + counter.errors.get() >= opened.opened(),
                    bench.phaseDeadline(Duration.ofSeconds(60)));
            long pingNanos = System.nanoTime() - pingStart;
            long answered = counter.connectionsThatAnsweredPing.get();

            long holdUntil = bench.phaseDeadline(Duration.ofSeconds(holdSeconds));
            while (System.nanoTime() < holdUntil) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            Optional<ServerProcess.Sample> held = bench.sample(heap);
            int stillOpen = fleet.openCount();
            System.gc();
            long toolHeapKb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024;
            long toolRssKb = ServerProcess.ownRssKb();
            counter.closing();

            report.put("connections requested", connections)
                    .put("connections opened", opened.opened())
                    .put("connections failed", opened.failed())
                    .put("connects per second", opened.perSecond())
                    .put("connect phase seconds", opened.elapsedNanos() / 1e9)
                    .put("connections that answered PING (authenticated and alive)", answered)
                    .put("seconds until every connection answered PING", pingNanos / 1e9)
                    .put("ERRORs", counter.errors.get())
                    .put("closed by server", counter.closedByServer.get())
                    .put("open after hold", stillOpen)
                    .put("hold seconds", holdSeconds)
                    .put("load tool heap after GC (KB)", toolHeapKb)
                    .put("load tool RSS (KB)", toolRssKb)
                    .note("load tool RSS (KB)", "the client side shares the machine with the server");
            Bench.putCompression(report, fleet);
            if (!opened.firstFailure().isEmpty()) {
                report.put("first connect failure", opened.firstFailure());
            }
            if (!counter.firstError.get().isEmpty()) {
                report.put("first ERROR", counter.firstError.get());
            }
            if (!counter.firstClose.get().isEmpty()) {
                report.put("first close by server", counter.firstClose.get());
            }
            if (idle.isPresent() && held.isPresent()) {
                long rssDelta = held.get().rssKb() - idle.get().rssKb();
                report.put("server RSS idle (KB)", idle.get().rssKb())
                        .put("server RSS after connect (KB)", connected.map(ServerProcess.Sample::rssKb).orElse(-1L))
                        .put("server RSS after hold (KB)", held.get().rssKb())
                        .put("server RSS per connection (KB)", opened.opened() == 0 ? Double.NaN : rssDelta / (double) opened.opened())
                        .note("server RSS per connection (KB)", "target <= 10 KB; (RSS after hold - idle) / opened")
                        .put("server heap used idle (KB)", idle.get().heapUsedKb())
                        .put("server heap used after hold (KB)", held.get().heapUsedKb())
                        .note("server heap used after hold (KB)", "after a jcmd GC.run; -1 when jcmd is unavailable")
                        .put("server CPU s: connect", Bench.cpuBetween(idle, connected))
                        .put("server CPU s: ping and hold", Bench.cpuBetween(connected, held));
            }
        }
        return report;
    }

    private ConnectionsScenario() {
    }
}
