package dev.rtsync.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What every scenario shares: the target (loopback only), tokens, how connections are spread
 * over source addresses, the server's process, the run's time bound and where results go.
 */
final class Bench {

    final Options options;
    final Map<String, String> env;
    final String scenario;
    final Instant startedAt = Instant.now();
    final InetAddress target;
    final int port;
    final String wsUrl;
    final String jwtSecret;
    final int users;
    final int connectionsPerSource;
    final int clientsPerSource;
    final int clientThreads;
    final int handshakesInFlight;
    final Duration connectTimeout;
    final long deadlineNanos;
    final long serverPid;
    final Duration heartbeat;
    final boolean offerDeflate;
    final Path resultsDir;
    private Optional<ServerProcess> server;

    Bench(String scenario, Options options, Map<String, String> env) {
        this.scenario = scenario;
        this.options = options;
        this.env = env;
        String host = options.text("host", "127.0.0.1");
        this.target = Loopback.require("--host", host);
        this.port = options.integer("port", Integer.parseInt(env.getOrDefault("PUBSUB_PORT", "4001").strip()), 1, 65535);
        this.wsUrl = "ws://" + host + ":" + port;
        this.jwtSecret = env.getOrDefault("JWT_SECRET", "");
        this.users = options.integer("users", 1000, 1, 100_000);
        this.connectionsPerSource = options.integer("connections-per-source", defaultPerSource(), 100, 60_000);
        this.clientsPerSource = options.integer("clients-per-source", 2, 1, 16);
        this.clientThreads = options.integer("client-threads", 4, 1, 64);
        this.handshakesInFlight = options.integer("handshakes-in-flight", 256, 1, 10_000);
        this.connectTimeout = Duration.ofSeconds(options.integer("connect-timeout-seconds", 120, 1, 900));
        int maxSeconds = options.integer("max-seconds", 600, 10, 3600);
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        this.serverPid = options.number("server-pid", 0, 0, Long.MAX_VALUE);
        this.heartbeat = Duration.ofSeconds(options.integer("ping-seconds", 30, 1, 3600));
        this.offerDeflate = options.flag("deflate", false);
        this.resultsDir = resultsDir(options);
        startWatchdog(maxSeconds);
    }

    /** Where the JSON lines go: {@code --results-dir}, else benchmarks/results from the repository root. */
    static Path resultsDir(Options options) {
        return Path.of(options.text("results-dir", Files.isDirectory(Path.of("benchmarks")) ? "benchmarks/results" : "results"));
    }

    /** Ephemeral ports of one address pair, less a margin for everything else on the machine. */
    private static int defaultPerSource() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip().split("\\s+");
            int ports = Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
            return Math.max(100, Math.min(25_000, ports - 2_000));
        } catch (IOException | RuntimeException e) {
            return 20_000;
        }
    }

    /** The safety net behind every phase's own time limit: the tool always stops by itself. */
    private static void startWatchdog(int maxSeconds) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds + 30L));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("the run exceeded --max-seconds " + maxSeconds + " by 30 s: stopping");
            Runtime.getRuntime().halt(3);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    Tokens tokens() {
        return new Tokens(jwtSecret, users, Duration.ofHours(2));
    }

    /** Fails with the message a person needs when nothing listens at the target. */
    void requireServer() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target, port), 2_000);
        } catch (IOException e) {
            throw new UsageException("cannot connect to " + wsUrl + " — is rtsync running? (" + e.getMessage() + ")");
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://"
                    + (target.getHostAddress().contains(":") ? "[" + target.getHostAddress() + "]" : target.getHostAddress())
                    + ":" + port + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("server health: " + health.statusCode() + " " + health.body());
        } catch (IOException e) {
            System.err.println("warning: GET /health failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Optional<ServerProcess> server() {
        if (server == null) {
            server = ServerProcess.find(serverPid, port);
            server.ifPresent(s -> System.out.println("server process: pid " + s.pid()));
        }
        return server;
    }

    /** Refuses a run that would exceed this process's open-file limit; warns about the server's. */
    void checkLimits(int connections) {
        long own = openFileLimit(Path.of("/proc/self/limits"));
        if (own >= 0 && own < connections + 256L) {
            throw new UsageException(connections + " connections need an open-file limit above " + (connections + 256)
                    + ", this process has " + own + ": run 'ulimit -n 200000' in this shell first; if the hard limit"
                    + " ('ulimit -Hn') is lower and cannot be raised, as in a container started without it, run fewer"
                    + " connections or raise it where the container starts (see docs/benchmarks.md)");
        }
        server().ifPresent(s -> {
            long theirs = openFileLimit(Path.of("/proc", Long.toString(s.pid()), "limits"));
            if (theirs >= 0 && theirs < connections + 256L) {
                System.err.println("warning: the server may open only " + theirs + " files; start it after 'ulimit -n 200000'");
            }
        });
        int sources = Fleet.sourcesFor(connections, connectionsPerSource);
        if (sources > 1) {
            System.out.println(connections + " connections: using " + sources + " source addresses 127.0.0.1.."
                    + "127.0.0." + sources + " (" + connectionsPerSource + " each)");
        }
    }

    private static long openFileLimit(Path limits) {
        try {
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: no check
        }
        return -1;
    }

    /** How many connections the server let compress, in every report of a scenario that opens some. */
    static void putCompression(Report report, Fleet fleet) {
        report.put("connections with permessage-deflate", fleet.compressedCount())
                .note("connections with permessage-deflate", "offered with --deflate true, as browsers do; the server may refuse it");
    }

    /** The connections of a run, sending the browsers' heartbeat PING every {@code --ping-seconds}. */
    Fleet fleet(Tokens tokens) {
        Fleet fleet = new Fleet(target, port, tokens, connectionsPerSource, clientsPerSource, clientThreads, offerDeflate);
        fleet.startHeartbeat(heartbeat);
        return fleet;
    }

    long secondsLeftNanos() {
        return deadlineNanos - System.nanoTime();
    }

    /** A phase's own deadline, never past the run's. */
    long phaseDeadline(Duration limit) {
        return Math.min(deadlineNanos, System.nanoTime() + limit.toNanos());
    }

    /** Server memory and CPU into the report under a prefix; nothing when the server is not found. */
    Optional<ServerProcess.Sample> sample(boolean withHeap) {
        return server().map(s -> s.sample(withHeap));
    }

    static double cpuBetween(Optional<ServerProcess.Sample> a, Optional<ServerProcess.Sample> b) {
        return a.isPresent() && b.isPresent() && a.get().cpuSeconds() >= 0 && b.get().cpuSeconds() >= 0
                ? b.get().cpuSeconds() - a.get().cpuSeconds() : Double.NaN;
    }
}
