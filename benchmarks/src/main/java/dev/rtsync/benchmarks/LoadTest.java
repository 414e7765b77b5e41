package dev.rtsync.benchmarks;

import java.nio.file.Path;
import java.util.Map;

/**
 * The load tool of issue 6: drives a running rtsync over the real protocol, as browsers would,
 * and reports what docs/benchmarks.md lists. Talks to loopback only, bounds itself in count and
 * time, and stops by itself.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SCENARIO [--flag value ...]
 * java -jar benchmarks/target/benchmarks.jar jmh [JMH options]
 * </pre>
 */
public final class LoadTest {

    static final String USAGE = """
            usage: java -jar benchmarks/target/benchmarks.jar SCENARIO [--flag value ...]
              connections      hold N connections; connects/s, server RSS and heap per connection
              subscribe-rate   SUBSCRIBE messages of 100 ids; subscribed ids/s
              latency          N connections, K subscribers per entity, R changes/s: commit -> INVALIDATE latency
              fanout           one change watched by M connections: time until all received it
              throughput       bulk changes (10,000/s): delivered, missing, lag over time
              long-transaction latency while a writing transaction stays open elsewhere (--hold-database)
              flood            one user's 32 connections flood SUBSCRIBE/UNSUBSCRIBE_ALL; other users' PING RTT and delivery, quiet vs flooded
              floor            no server: one message to each of N loopback TCP connections; the machine's fan-out floor
              jmh [options]    the JMH microbenchmarks (options as for JMH, e.g. -h)
            Environment: PUBSUB_PORT (4001), JWT_SECRET (the server's), DATABASE_URL (postgresql://user:pass@127.0.0.1:5432/db).
            Every --flag can also be given as BENCH_FLAG_NAME. See docs/benchmarks.md for the flags of each scenario.""";

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return;
        }
        String scenario = args[0];
        if (scenario.equals("jmh")) {
            String[] rest = new String[args.length - 1];
            System.arraycopy(args, 1, rest, 0, rest.length);
            org.openjdk.jmh.Main.main(rest);
            return;
        }
        try {
            System.exit(run(scenario, args, System.getenv()));
        } catch (UsageException e) {
            System.err.println("rtsync-benchmarks: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String scenario, String[] args, Map<String, String> env) throws InterruptedException {
        Options options = Options.parse(args, 1, env);
        if (scenario.equals("floor")) {
            Path resultsDir = Bench.resultsDir(options); // read before the floor refuses flags nobody read
            Report floor = LoopbackFloor.run(options);
            System.out.println("results appended to " + floor.publish(resultsDir, options.used()));
            return 0;
        }
        Bench bench = switch (scenario) {
            case "connections", "subscribe-rate", "latency", "fanout", "throughput", "long-transaction", "flood" -> new Bench(scenario, options, env);
            default -> throw new UsageException("unknown scenario '" + scenario + "'\n" + USAGE);
        };
        Report report = switch (scenario) {
            case "connections" -> ConnectionsScenario.run(bench);
            case "subscribe-rate" -> SubscribeRateScenario.run(bench);
            case "flood" -> FloodScenario.run(bench);
            default -> ChangeScenario.run(bench);
        };
        var file = report.publish(bench.resultsDir, options.used());
        System.out.println("results appended to " + file);
        return 0;
    }

    private LoadTest() {
    }
}
