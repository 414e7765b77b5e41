package dev.rtsync.bootstrap;

import dev.rtsync.adapters.jwt.HmacTokenIssuer;
import dev.rtsync.domain.InvalidValueException;
import dev.rtsync.domain.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar rtsync.jar} runs the service; {@code java -jar rtsync.jar token <user-uuid> [lifetime]}
 * prints a development token signed with the configured secret; {@code java -jar rtsync.jar probe live|ready}
 * asks the instance on {@code PUBSUB_PORT} of this host and exits 0 when it answers 200, for container
 * health checks in images without curl; {@code migrate}, {@code track}, {@code untrack} and {@code list}
 * are the database owner's commands ({@link DatabaseCommands}).
 *
 * <p>SIGTERM (and Ctrl-C) stop the service gracefully and exit 0: an orchestrator that asked for
 * the stop should not see a failure. A bad setting exits 2 with one line naming the variable.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final int EXIT_CONFIGURATION = 2;
    private static final int EXIT_FAILURE = 1;

    private Main() {
    }

    public static void main(String[] args) {
        int exitCode = run(args, System.getenv(), System.out, System.err);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        try {
            if (args.length > 0 && args[0].equals("token")) {
                return printToken(args, environment, out, err);
            }
            if (args.length > 0 && args[0].equals("probe")) {
                return probe(args, environment, out, err);
            }
            if (args.length > 0 && DatabaseCommands.NAMES.contains(args[0])) {
                return new DatabaseCommands(out, err).run(args, environment);
            }
            if (args.length > 0) {
                err.println("rtsync: unknown command '" + args[0]
                        + "'. Usage: java -jar rtsync.jar [token <user-uuid> [lifetime] | probe live|ready | "
                        + DatabaseCommands.USAGE + "]");
                return EXIT_CONFIGURATION;
            }
            RtsyncConfig config = RtsyncConfig.fromEnvironment(environment);
            HeapReturn.apply();
            serve(config);
            return 0;
        } catch (ConfigurationException e) {
            err.println("rtsync: " + e.getMessage());
            return EXIT_CONFIGURATION;
        } catch (RuntimeException e) {
            LOG.error("rtsync could not start", e);
            return EXIT_FAILURE;
        }
    }

    private static void serve(RtsyncConfig config) {
        Rtsync service = Rtsync.start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("rtsync-shutdown").unstarted(() -> {
            Thread stopper = Thread.ofPlatform().name("rtsync-stop").daemon(true).start(() -> {
                service.stop();
                stopped.countDown();
            });
            try {
                if (!stopped.await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Shutdown took longer than {}; exiting anyway", config.shutdownTimeout());
                    stopper.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // A stop the operator asked for is a success, not the JVM's 143 for SIGTERM.
            Runtime.getRuntime().halt(0);
        }));
    }

    private static int probe(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.length != 2 || !(args[1].equals("live") || args[1].equals("ready"))) {
            err.println("rtsync: usage: java -jar rtsync.jar probe live|ready");
            return EXIT_CONFIGURATION;
        }
        int port = new EnvironmentReader(environment).integer(Setting.PUBSUB_PORT, 1, 65_535);
        URI uri = URI.create("http://127.0.0.1:" + port + "/health/" + args[1]);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println(response.statusCode() + " " + response.body());
            return response.statusCode() == 200 ? 0 : EXIT_FAILURE;
        } catch (java.io.IOException e) {
            err.println("rtsync: " + uri + " did not answer: " + e);
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILURE;
        }
    }

    private static int printToken(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.length < 2 || args.length > 3) {
            err.println("rtsync: usage: java -jar rtsync.jar token <user-uuid> [lifetime, default 8h]");
            return EXIT_CONFIGURATION;
        }
        UserId user;
        try {
            user = UserId.parse(args[1]);
        } catch (InvalidValueException e) {
            err.println("rtsync: the user must be a UUID, such as 550e8400-e29b-41d4-a716-446655440001");
            return EXIT_CONFIGURATION;
        }
        Duration lifetime = args.length == 3 ? EnvironmentReader.parseDuration(args[2]) : Duration.ofHours(8);
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            err.println("rtsync: the lifetime must be a positive duration such as 30m, 8h or PT8H");
            return EXIT_CONFIGURATION;
        }
        RtsyncConfig config = RtsyncConfig.fromEnvironment(environment);
        String secret = config.jwtSecret().orElseGet(() -> DevelopmentSecret.loadOrCreate(DevelopmentSecret.defaultLocation()));
        out.println(new HmacTokenIssuer(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC()).issue(user, lifetime));
        return 0;
    }
}
