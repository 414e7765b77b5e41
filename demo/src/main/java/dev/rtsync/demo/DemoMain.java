package dev.rtsync.demo;

import dev.rtsync.adapters.jwt.HmacTokenIssuer;
import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.adapters.postgres.DatabaseUrl;
import dev.rtsync.adapters.postgres.Migrations;
import dev.rtsync.adapters.postgres.PostgresDatabase;
import dev.rtsync.bootstrap.ConfigurationException;
import dev.rtsync.bootstrap.Rtsync;
import dev.rtsync.bootstrap.RtsyncConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar demo/target/rtsync-demo.jar}: the whole system in one process. A PostgreSQL
 * (embedded, or {@code DEMO_DATABASE_URL}), rtsync on {@code PUBSUB_PORT} (4001) wired exactly
 * as in production (a database URL and the API's JWT secret), and the demo's REST API and web app
 * on {@code DEMO_PORT} (4000). It prints the URL to open.
 *
 * <p>Settings, all optional: {@code DEMO_PORT}, {@code PUBSUB_PORT}, {@code DEMO_DATABASE_URL},
 * {@code DEMO_DATA_DIR} (the embedded database's folder, {@code ~/.rtsync/demo-postgres}),
 * {@code DEMO_EMBEDDED_PORT} (54330; 0 picks a free one), {@code JWT_SECRET} (empty: a random
 * secret for this run), and every {@code RTSYNC_*} setting of rtsync itself.
 */
public final class DemoMain {

    private static final Logger LOG = LoggerFactory.getLogger(DemoMain.class);

    private DemoMain() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        Deque<AutoCloseable> running = new ArrayDeque<>();
        try {
            start(env, running);
        } catch (ConfigurationException e) {
            System.err.println("rtsync demo: " + e.getMessage());
            closeAll(running);
            System.exit(2);
        } catch (RuntimeException e) {
            LOG.error("The demo could not start", e);
            closeAll(running);
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("demo-shutdown").unstarted(() -> {
            closeAll(running);
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void start(Map<String, String> env, Deque<AutoCloseable> running) {
        DatabaseUrl databaseUrl = database(env, running);
        String secret = Optional.ofNullable(env.get("JWT_SECRET")).filter(s -> !s.isBlank()).orElseGet(DemoMain::randomSecret);

        // The demo's own tables first: rtsync's production migrations create none of them (ADR 0017).
        PostgresDatabase database = PostgresDatabase.open(databaseUrl);
        running.push(database);
        Migrations.migrateWithSamples(database.dataSource());

        // rtsync as a team runs it: pointed at the API's database, with the API's secret.
        Map<String, String> rtsyncEnv = new HashMap<>(env);
        rtsyncEnv.put("DATABASE_URL", databaseUrl.toUri());
        rtsyncEnv.put("JWT_SECRET", secret);
        rtsyncEnv.putIfAbsent("RTSYNC_INSTANCE_ID", "demo");
        rtsyncEnv.putIfAbsent("RTSYNC_ENTITY_CODES", "project,task,employee");
        // The page's lists watch their whole entity type, so they see what others create.
        rtsyncEnv.putIfAbsent("RTSYNC_TYPE_SUBSCRIPTIONS", "project,task,employee");
        Rtsync rtsync = Rtsync.start(RtsyncConfig.fromEnvironment(rtsyncEnv), Clock.systemUTC());
        running.push(rtsync::stop);

        EntityRepository entities = new EntityRepository(database.jdbi());
        if (DemoSeed.seedIfEmpty(database.jdbi(), entities)) {
            LOG.info("Seeded the demo's projects, tasks and employees");
        }
        byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
        DemoApi api = new DemoApi(env.getOrDefault("DEMO_HOST", "0.0.0.0"), port(env, "DEMO_PORT", 4000), entities,
                new NimbusTokenVerifier(secretBytes, NimbusTokenVerifier.DEFAULT_CLOCK_SKEW, Clock.systemUTC()),
                new DemoUsers(new HmacTokenIssuer(secretBytes, Clock.systemUTC())), rtsync.port()).start();
        running.push(api::stop);

        String url = "http://localhost:" + api.port() + "/";
        System.out.println();
        System.out.println("rtsync demo ready: open " + url + " in two windows, one as Alice and one as Bob.");
        System.out.println("  REST API   " + url + "api/v1/project   (Authorization: Bearer <token from " + url
                + "api/v1/demo/token?user=alice>)");
        System.out.println("  rtsync     ws://localhost:" + rtsync.port() + "/?token=<token>");
        System.out.println("  PostgreSQL " + databaseUrl);
        System.out.println("Stop with Ctrl-C.");
        System.out.flush();
    }

    private static DatabaseUrl database(Map<String, String> env, Deque<AutoCloseable> running) {
        Optional<String> given = Optional.ofNullable(env.get("DEMO_DATABASE_URL")).filter(s -> !s.isBlank());
        if (given.isPresent()) {
            try {
                return DatabaseUrl.parse(given.get());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("DEMO_DATABASE_URL " + e.getMessage());
            }
        }
        Path dataDir = Optional.ofNullable(env.get("DEMO_DATA_DIR")).filter(s -> !s.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".rtsync", "demo-postgres"));
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false) // the demo's data survives a restart, as the page's does
                    .setRegisterShutdownHook(false)
                    .setPort(port(env, "DEMO_EMBEDDED_PORT", 54330))
                    .start();
            running.push(postgres);
            return new DatabaseUrl("localhost", postgres.getPort(), "postgres", "postgres", Optional.empty(), Map.of());
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("The embedded PostgreSQL could not start in " + dataDir + " (" + e.getMessage()
                    + "); set DEMO_DATABASE_URL to a PostgreSQL 14+ server instead");
        }
    }

    private static int port(Map<String, String> env, String name, int defaultPort) {
        String text = env.getOrDefault(name, "").strip();
        if (text.isEmpty()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new ConfigurationException(name + " must be a port from 0 to 65535");
    }

    private static String randomSecret() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void closeAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                LOG.warn("Stopping part of the demo failed: {}", e.getMessage());
            }
        }
    }
}
