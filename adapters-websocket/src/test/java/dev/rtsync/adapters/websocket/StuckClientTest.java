package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7: a client that stops reading must not hold back the others. Three clients watch one task;
 * every round logs a change to it and 20 changes to projects, and runs one delivery, which must
 * reach all three before the round ends.
 *
 * <p>A client that never reads subscribes to 1,000 projects and is sent changes until the kernel's
 * socket buffers are full and at least 100 messages wait in its queue on the server. Then rounds
 * alternate between changing 20 of its projects (each queues one more INVALIDATE to the stuck
 * client) and changing 20 projects nobody watches: every round still reaches the three others, and
 * the stuck client's queue grows by exactly one per round of its own. How much slower delivery is
 * with the stuck client is a duration, measured by the benchmarks (docs/benchmarks.md), not here.
 * That the stuck client is cut off when its queue overflows is {@link SlowAndIdleClientTest}'s subject.
 */
class StuckClientTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final EntityCode TASK = EntityCode.of("task");
    private static final int ROUNDS = 50;
    private static final int FAST_CLIENTS = 3;
    /** Project changes per round: enough to fill the stuck client's socket within a few dozen rounds, few enough to keep the log short. */
    private static final int CHANGES_PER_ROUND = 20;

    @Test
    void a_stuck_client_does_not_hold_back_the_delivery_to_the_others() throws Exception {
        WebSocketSettings settings = ServerFixture.testSettings().withMaxMessageBytes(64 * 1024).withOutboundQueueCapacity(1_000);
        try (ServerFixture fixture = new ServerFixture(settings, new SubscriptionLimits(1_000, 10_000), ConnectionLimits.DEFAULTS)) {
            EntityId task = new EntityId(UUID.randomUUID());
            List<TestClient> fast = new ArrayList<>();
            for (int i = 0; i < FAST_CLIENTS; i++) {
                TestClient client = fixture.connect(ServerFixture.newUser());
                client.send("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"task\",\"entityIds\":[\"" + task + "\"]}}");
                assertThat(client.next().path("type").asText()).isEqualTo("SUBSCRIBED");
                fast.add(client);
            }
            List<EntityId> watchedByStuck = ids(1_000);
            List<EntityId> projects = watchedByStuck.subList(0, CHANGES_PER_ROUND);
            List<EntityId> unwatched = ids(CHANGES_PER_ROUND);
            rounds(fixture, fast, task, unwatched, 5);

            UserId stuckUser = ServerFixture.newUser();
            try (RawClient stuck = RawClient.connect(fixture.server.port(), fixture.tokenFor(stuckUser))) {
                stuck.sendText("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":["
                        + String.join(",", watchedByStuck.stream().map(id -> "\"" + id + "\"").toList()) + "]}}");
                await().atMost(TestClient.TIMEOUT).until(() -> subscriptionsOf(fixture, stuckUser) == 1_000);
                ConnectionId stuckId = fixture.rtsync.registry.all().stream().filter(c -> c.user().equals(stuckUser))
                        .findFirst().orElseThrow().id();
                // Fill the kernel's socket buffers (megabytes on loopback) until messages wait in the server's own queue.
                // Each pass queues ten INVALIDATEs of 100 changes (about 9 KB each).
                for (int fill = 0; fill < 100 && queued(fixture, stuckId) < 100; fill++) {
                    watchedByStuck.forEach(project -> fixture.rtsync.log.append(PROJECT, project, ChangeAction.EDIT));
                    fixture.rtsync.deliverPendingChanges.deliverPending();
                }
                int queuedBefore = queued(fixture, stuckId);
                assertThat(queuedBefore).as("messages waiting for the stuck client").isGreaterThanOrEqualTo(100);

                for (int round = 0; round < ROUNDS; round++) {
                    rounds(fixture, fast, task, unwatched, 1);
                    rounds(fixture, fast, task, projects, 1);
                }
                assertThat(subscriptionsOf(fixture, stuckUser)).as("still connected, and stuck").isEqualTo(1_000);
                assertThat(queued(fixture, stuckId)).isEqualTo(queuedBefore + ROUNDS);
                fast.forEach(TestClient::assertAlive);
            }
            await().atMost(TestClient.TIMEOUT).until(() -> subscriptionsOf(fixture, stuckUser) == -1);
            rounds(fixture, fast, task, unwatched, 5);
            fast.forEach(TestClient::close);
        }
    }

    /** Runs delivery rounds; each ends once every fast client holds the task's INVALIDATE. */
    private static void rounds(ServerFixture fixture, List<TestClient> fast, EntityId task, List<EntityId> projects, int count) {
        for (int round = 0; round < count; round++) {
            for (EntityId project : projects) {
                fixture.rtsync.log.append(PROJECT, project, ChangeAction.EDIT);
            }
            fixture.rtsync.log.append(TASK, task, ChangeAction.EDIT);
            fixture.rtsync.deliverPendingChanges.deliverPending();
            for (TestClient client : fast) {
                JsonNode message = client.next();
                assertThat(message.path("payload").path("entityCode").asText()).isEqualTo("task");
            }
        }
    }

    private static List<EntityId> ids(int count) {
        List<EntityId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(new EntityId(UUID.randomUUID()));
        }
        return ids;
    }

    /** How many messages wait in the connection's outbound queue: read by reflection, since only this test needs it. */
    private static int queued(ServerFixture fixture, ConnectionId connection) {
        try {
            Field outboxes = WebSocketClientChannel.class.getDeclaredField("outboxes");
            outboxes.setAccessible(true);
            Object outbox = ((Map<?, ?>) outboxes.get(fixture.rtsync.clients)).get(connection);
            Field queue = outbox.getClass().getDeclaredField("queue");
            queue.setAccessible(true);
            synchronized (outbox) {
                return ((java.util.Collection<?>) queue.get(outbox)).size();
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("WebSocketClientChannel changed: update this probe", e);
        }
    }

    /** The user's subscription count, or -1 once the user has no connection. */
    private static int subscriptionsOf(ServerFixture fixture, UserId user) {
        return fixture.rtsync.registry.all().stream().filter(connection -> connection.user().equals(user))
                .mapToInt(connection -> connection.subscriptionCount()).findFirst().orElse(-1);
    }
}
