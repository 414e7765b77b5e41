package dev.rtsync.bootstrap.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Section 6.1 of the design through the real wiring: a real PostgreSQL, the real service, a real
 * WebSocket client, and rows written as the REST API writes them.
 */
class ChangeToBrowserTest {

    private static final String INSTANCE = "e2e-single";

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);

    @RegisterExtension
    final RunningInstance rtsync = new RunningInstance(DB, INSTANCE);
    private final UUID alice = UUID.randomUUID();

    /** Rows written before a test subscribes are delivered (to nobody) before it starts. */
    private void awaitLogDelivered() {
        await().atMost(Duration.ofSeconds(10)).until(() -> api.logRowsWithStatus("pending") == 0);
    }

    @Test
    void a_subscription_to_every_task_hears_of_a_task_created_after_it_and_a_code_not_allowed_is_refused() {
        UUID project = api.createProject(alice, "Apollo");
        awaitLogDelivered();
        try (Browser tab = rtsync.openTab(alice)) {
            tab.send("{\"type\":\"SUBSCRIBE_TYPE\",\"payload\":{\"entityCode\":\"task\"}}");
            assertThat(tab.next("TYPE_SUBSCRIBED").payload().path("entityCode").asText()).isEqualTo("task");
            tab.send("{\"type\":\"SUBSCRIBE_TYPE\",\"payload\":{\"entityCode\":\"project\"}}");
            assertThat(tab.next("ERROR").payload().path("code").asText()).isEqualTo("TYPE_SUBSCRIPTION_NOT_ALLOWED");

            UUID task = api.createTask(alice, project, "Train the crew");
            api.renameProject(alice, project, "Apollo 11");

            JsonNode payload = tab.next("INVALIDATE").payload();
            assertThat(payload.path("entityCode").asText()).isEqualTo("task");
            assertThat(payload.path("changes").get(0).path("entityId").asText()).isEqualTo(task.toString());
            assertThat(payload.path("changes").get(0).path("action").asText()).isEqualTo("CREATE");

            // A later task, after the rename has been delivered: an INVALIDATE of the project, watched
            // by no one, would have been queued before this one.
            awaitLogDelivered();
            UUID sentinel = api.createTask(alice, project, "Land");
            assertThat(changedIds(tab.next("INVALIDATE"))).as("nothing of the project in between").containsExactly(sentinel.toString());
        }
    }

    @Test
    void an_update_reaches_the_subscribed_browser_as_invalidate() {
        List<UUID> projects = List.of(api.createProject(alice, "a"), api.createProject(alice, "b"), api.createProject(alice, "c"));
        awaitLogDelivered();
        try (Browser tab = rtsync.openTab(alice)) {
            assertThat(tab.subscribe("project", projects)).isEqualTo(3);

            // How soon it arrives is the benchmarks' `latency` scenario's figure, not this test's.
            api.renameProject(alice, projects.get(1), "renamed");
            Browser.Received invalidate = tab.next("INVALIDATE");

            JsonNode payload = invalidate.payload();
            assertThat(payload.path("entityCode").asText()).isEqualTo("project");
            assertThat(payload.path("changes")).hasSize(1);
            JsonNode change = payload.path("changes").get(0);
            assertThat(change.path("entityId").asText()).isEqualTo(projects.get(1).toString());
            assertThat(change.path("action").asText()).isEqualTo("UPDATE");
            assertThat(change.path("version").asLong()).isEqualTo(api.latestVersion(projects.get(1)));
            assertThat(payload.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        }
    }

    @Test
    void create_and_delete_arrive_with_their_actions_and_increasing_versions() {
        UUID project = UUID.randomUUID();
        try (Browser tab = rtsync.openTab(alice)) {
            tab.subscribe("project", List.of(project));

            api.createProject(alice, project, "new");
            JsonNode created = tab.next("INVALIDATE").payload().path("changes").get(0);
            api.deleteProject(alice, project);
            JsonNode deleted = tab.next("INVALIDATE").payload().path("changes").get(0);

            assertThat(created.path("action").asText()).isEqualTo("CREATE");
            assertThat(deleted.path("action").asText()).isEqualTo("DELETE");
            assertThat(deleted.path("version").asLong()).isGreaterThan(created.path("version").asLong());
        }
    }

    @Test
    void ping_is_answered_pong() {
        try (Browser tab = rtsync.openTab(alice)) {
            tab.send("{\"type\":\"PING\"}");

            assertThat(tab.next("PONG").message().toString()).isEqualTo("{\"type\":\"PONG\"}");
        }
    }

    @Test
    void a_refreshed_token_keeps_the_connection_and_another_users_token_closes_it() {
        try (Browser tab = rtsync.openTab(alice)) {
            tab.send("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\"" + Instances.token(alice) + "\"}}");
            tab.send("{\"type\":\"PING\"}");
            tab.next("PONG");

            tab.send("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\"" + Instances.token(UUID.randomUUID()) + "\"}}");

            assertThat(tab.next("ERROR").payload().path("code").asText()).isEqualTo("AUTH_FAILED");
            assertThat(tab.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void each_user_receives_only_what_it_subscribed_to() {
        UUID bob = UUID.randomUUID();
        UUID alicesProject = api.createProject(alice, "alice's");
        UUID bobsProject = api.createProject(bob, "bob's");
        awaitLogDelivered();
        try (Browser aliceTab = rtsync.openTab(alice); Browser bobTab = rtsync.openTab(bob)) {
            aliceTab.subscribe("project", List.of(alicesProject));
            bobTab.subscribe("project", List.of(bobsProject));

            api.renameProject(alice, alicesProject, "x");
            api.renameProject(bob, bobsProject, "y");

            assertThat(changedIds(aliceTab.next("INVALIDATE"))).containsExactly(alicesProject.toString());
            assertThat(changedIds(bobTab.next("INVALIDATE"))).containsExactly(bobsProject.toString());

            // Each user's own project again, after both renames have been delivered: the other user's
            // change, had it been sent, would have come before.
            awaitLogDelivered();
            api.renameProject(alice, alicesProject, "x2");
            api.renameProject(bob, bobsProject, "y2");
            assertThat(changedIds(aliceTab.next("INVALIDATE"))).as("nothing of bob's in between").containsExactly(alicesProject.toString());
            assertThat(changedIds(bobTab.next("INVALIDATE"))).as("nothing of alice's in between").containsExactly(bobsProject.toString());
        }
    }

    @Test
    void a_closed_connection_leaves_no_subscription_rows() {
        Browser tab = rtsync.openTab(alice);
        tab.subscribe("project", List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()));
        assertThat(api.subscriptionRows(INSTANCE)).isEqualTo(3);

        tab.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> api.subscriptionRows(INSTANCE) == 0);
    }

    @Test
    void a_bad_token_is_refused_with_auth_failed_and_4001() {
        try (Browser tab = Browser.open(rtsync.port(), "not-a-token")) {
            assertThat(tab.next("ERROR").payload().path("code").asText()).isEqualTo("AUTH_FAILED");
            assertThat(tab.awaitClose()).isEqualTo(4001);
        }
    }

    private static List<String> changedIds(Browser.Received invalidate) {
        return invalidate.payload().path("changes").findValuesAsText("entityId");
    }
}
