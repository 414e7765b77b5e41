package dev.rtsync.bootstrap.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.bootstrap.Rtsync;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Several instances on one database, restarts, kills and graceful stops (NOTES.md points 4 and 7). */
class InstancesTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);
    private final UUID alice = UUID.randomUUID();

    @Test
    void two_instances_each_deliver_every_change_to_their_own_clients() {
        List<UUID> projects = IntStream.range(0, 20).mapToObj(i -> api.createProject(alice, "p" + i)).toList();
        try (Rtsync a = Instances.start(DB.testDatabase(), "e2e-a");
             Rtsync b = Instances.start(DB.testDatabase(), "e2e-b");
             Browser onA = Browser.open(a.port(), Instances.token(alice));
             Browser onB = Browser.open(b.port(), Instances.token(alice))) {
            onA.subscribe("project", projects);
            onB.subscribe("project", projects);

            Random random = new Random(42);
            for (int i = 0; i < 200; i++) {
                api.renameProject(alice, projects.get(random.nextInt(projects.size())), "rename " + i);
            }

            Map<String, Long> expected = new HashMap<>();
            projects.forEach(project -> expected.put(project.toString(), api.latestVersion(project)));
            assertThat(newestVersions(onA, expected)).as("instance a's client").isEqualTo(expected);
            assertThat(newestVersions(onB, expected)).as("instance b's client").isEqualTo(expected);
            assertThat(api.logRowsWithStatus("failed")).isZero();
        }
    }

    @Test
    void when_one_instance_is_killed_the_survivors_clients_miss_nothing_and_its_restart_removes_its_rows() throws Exception {
        List<UUID> projects = IntStream.range(0, 5).mapToObj(i -> api.createProject(alice, "p" + i)).toList();
        Map<String, String> environment = Instances.environment(DB.testDatabase(), "e2e-killed");
        try (Rtsync survivor = Instances.start(DB.testDatabase(), "e2e-survivor");
             Browser onSurvivor = Browser.open(survivor.port(), Instances.token(alice))) {
            onSurvivor.subscribe("project", projects);
            try (ServiceProcess killed = ServiceProcess.start(environment);
                 Browser onKilled = Browser.open(killed.port(), Instances.token(alice))) {
                onKilled.subscribe("project", projects);
                killed.kill();
                assertThat(onKilled.awaitClose()).isEqualTo(1006);
            }
            assertThat(api.subscriptionRows("e2e-killed")).as("rows left by SIGKILL").isEqualTo(5);

            projects.forEach(project -> api.renameProject(alice, project, "after the kill"));

            Map<String, Long> expected = new HashMap<>();
            projects.forEach(project -> expected.put(project.toString(), api.latestVersion(project)));
            assertThat(newestVersions(onSurvivor, expected)).isEqualTo(expected);
        }

        Rtsync restarted = Instances.start(DB.testDatabase(), "e2e-killed");
        try {
            assertThat(api.subscriptionRows("e2e-killed")).isZero();
        } finally {
            restarted.stop();
        }
    }

    @Test
    void sigterm_closes_every_client_with_1001_leaves_no_rows_and_exits_0() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Instances.environment(DB.testDatabase(), "e2e-terminated"));
             Browser first = Browser.open(service.port(), Instances.token(alice));
             Browser second = Browser.open(service.port(), Instances.token(UUID.randomUUID()))) {
            first.subscribe("project", List.of(UUID.randomUUID(), UUID.randomUUID()));
            second.subscribe("project", List.of(UUID.randomUUID()));

            int exitCode = service.terminate(Duration.ofSeconds(20));

            assertThat(exitCode).as(service.output()).isZero();
            assertThat(first.awaitClose()).isEqualTo(1001);
            assertThat(second.awaitClose()).isEqualTo(1001);
            assertThat(api.subscriptionRows("e2e-terminated")).isZero();
            // Connections open and close at DEBUG (TokenNeverLoggedTest reads those lines): the output
            // is the start-up's, and holds no token.
            assertThat(service.output()).contains("ready on port").doesNotContain("token=").doesNotContain("eyJ");
        }
    }

    /**
     * The newest version each entity reached this client with, read until they equal {@code expected}
     * or nothing arrives for {@link Browser#TIMEOUT}: a quiet gap ends the wait only when it is far
     * longer than any pause of a loaded machine.
     */
    private static Map<String, Long> newestVersions(Browser browser, Map<String, Long> expected) {
        Map<String, Long> newest = new HashMap<>();
        Browser.Received received;
        while (!newest.equals(expected) && (received = browser.poll(Browser.TIMEOUT)) != null) {
            assertThat(received.type()).isEqualTo("INVALIDATE");
            for (JsonNode change : received.payload().path("changes")) {
                newest.merge(change.path("entityId").asText(), change.path("version").asLong(), Math::max);
            }
        }
        return newest;
    }
}
