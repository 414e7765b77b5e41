package dev.rtsync.bootstrap.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.adapters.postgres.DatabaseUrl;
import dev.rtsync.adapters.postgres.Migrations;
import dev.rtsync.adapters.postgres.PostgresDatabase;
import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.bootstrap.Rtsync;
import dev.rtsync.bootstrap.RtsyncConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops while clients are connected and writers keep trying (issue 7). The outage
 * lasts {@code -Drtsync.outage.seconds} (3 s by default in {@code ./mvnw verify}; 30 s for the
 * figure in docs/reliability.md). Runs its own embedded PostgreSQL, since it stops the server.
 */
class DatabaseOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("rtsync.outage.seconds", 3));

    @TempDir
    Path dataDirectory;
    private int databasePort;
    private EmbeddedPostgres postgres;
    private Rtsync service;

    @AfterEach
    void stopEverything() throws IOException {
        if (service != null) {
            service.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void the_service_survives_an_outage_answers_503_and_unavailable_and_then_delivers_every_change() throws Exception {
        databasePort = freePort();
        postgres = startPostgres();
        String jdbcUrl = "jdbc:postgresql://localhost:" + databasePort + "/postgres";
        RestApi api = new RestApi(() -> DriverManager.getConnection(jdbcUrl, "postgres", ""));
        // As the owner: the schema with the sample tables, and the runtime role the service runs as.
        try (PostgresDatabase owner = PostgresDatabase.open(DatabaseUrl.parse("postgresql://postgres@localhost:" + databasePort + "/postgres"))) {
            Migrations.migrateWithSamples(owner.dataSource());
            owner.jdbi().useHandle(handle -> {
                handle.execute("CREATE ROLE " + TestDatabase.RUNTIME_ROLE + " LOGIN");
                handle.execute("SELECT app.rtsync_grant_runtime(?)", TestDatabase.RUNTIME_ROLE);
            });
        }
        Map<String, String> environment = new HashMap<>();
        environment.put("DATABASE_URL", "postgresql://" + TestDatabase.RUNTIME_ROLE + "@localhost:" + databasePort + "/postgres?connectTimeout=2");
        environment.put("RTSYNC_MIGRATE_ON_START", "false");
        environment.put("JWT_SECRET", Instances.SECRET);
        environment.put("PUBSUB_PORT", "0");
        environment.put("RTSYNC_MANAGEMENT_PORT", "0");
        environment.put("RTSYNC_INSTANCE_ID", "outage");
        environment.put("RTSYNC_FALLBACK_POLL", "1s");
        service = Rtsync.start(RtsyncConfig.fromEnvironment(environment), Clock.systemUTC());
        UUID alice = UUID.randomUUID();
        List<UUID> projects = IntStream.range(0, 10).mapToObj(i -> api.createProject(alice, "p" + i)).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.logRowsWithStatus("pending") == 0);

        try (Browser tab = Browser.open(service.port(), Instances.token(alice))) {
            tab.subscribe("project", projects);
            projects.forEach(project -> api.renameProject(alice, project, "before the outage"));

            postgres.close(); // the outage begins; the data stays in its folder
            AtomicInteger refusedWrites = new AtomicInteger();
            HttpResponse<String> health = health(service.port());
            tab.send("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"" + UUID.randomUUID() + "\"]}}");
            JsonNode subscribeAnswer = nextSkippingInvalidations(tab);
            tab.send("{\"type\":\"PING\"}");
            JsonNode pingAnswer = nextSkippingInvalidations(tab);
            long outageEnds = System.nanoTime() + OUTAGE.toNanos();
            do { // writers keep trying
                try {
                    api.renameProject(alice, projects.getFirst(), "during the outage");
                } catch (IllegalStateException refused) {
                    refusedWrites.incrementAndGet();
                }
                Thread.sleep(100);
            } while (System.nanoTime() < outageEnds);
            postgres = startPostgres(); // the outage ends
            projects.forEach(project -> api.renameProject(alice, project, "after the outage"));

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"unavailable\"").contains("\"reason\"");
            assertThat(subscribeAnswer.path("payload").path("code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(pingAnswer.path("type").asText()).as("the connection survives").isEqualTo("PONG");
            assertThat(refusedWrites.get()).isPositive();
            Map<String, Long> expected = new HashMap<>();
            projects.forEach(project -> expected.put(project.toString(), api.latestVersion(project)));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(collectNewest(tab)).containsAllEntriesOf(expected));
            assertThat(health(service.port()).statusCode()).isEqualTo(200);
        }
    }

    private final Map<String, Long> newest = new HashMap<>();

    /** The newest version received per entity so far. */
    private Map<String, Long> collectNewest(Browser tab) {
        for (Browser.Received received : tab.drain(Duration.ofMillis(200))) {
            for (JsonNode change : received.payload().path("changes")) {
                newest.merge(change.path("entityId").asText(), change.path("version").asLong(), Math::max);
            }
        }
        return newest;
    }

    /** The next answer that is not an INVALIDATE; invalidations are kept for the final count. */
    private JsonNode nextSkippingInvalidations(Browser tab) {
        while (true) {
            Browser.Received received = tab.poll(Browser.TIMEOUT);
            assertThat(received).as("an answer").isNotNull();
            if (!received.type().equals("INVALIDATE")) {
                return received.message();
            }
            for (JsonNode change : received.payload().path("changes")) {
                newest.merge(change.path("entityId").asText(), change.path("version").asLong(), Math::max);
            }
        }
    }

    private EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(databasePort)
                .start();
    }

    private static HttpResponse<String> health(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
