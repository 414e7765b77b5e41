package dev.rtsync.adapters.websocket;

import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Clients that do not keep up: one that stops reading, one that falls silent. */
class SlowAndIdleClientTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final EntityCode TASK = EntityCode.of("task");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a delivery that waited for the slow client would hang here
    void a_client_that_stops_reading_is_cut_off_and_unsubscribed_while_another_keeps_receiving() throws Exception {
        WebSocketSettings settings = ServerFixture.testSettings().withOutboundQueueCapacity(8).withMaxMessageBytes(64 * 1024);
        try (ServerFixture fixture = new ServerFixture(settings, new SubscriptionLimits(1_000, 10_000), ConnectionLimits.DEFAULTS)) {
            UserId slowUser = ServerFixture.newUser();
            List<EntityId> ids = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                ids.add(new EntityId(UUID.randomUUID()));
            }
            try (RawClient slow = RawClient.connect(fixture.server.port(), fixture.tokenFor(slowUser));
                 TestClient fast = fixture.connect(ServerFixture.newUser())) {
                slow.sendText("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":["
                        + String.join(",", ids.stream().map(id -> "\"" + id + "\"").toList()) + "]}}");
                await().atMost(TestClient.TIMEOUT).until(() -> connectionOf(fixture, slowUser)
                        .map(connection -> connection.subscriptionCount() == 1_000).orElse(false));
                var slowId = connectionOf(fixture, slowUser).orElseThrow().id();

                EntityId watchedByFast = new EntityId(UUID.randomUUID());
                fast.send("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"task\",\"entityIds\":[\"" + watchedByFast + "\"]}}");
                assertThat(fast.next().path("type").asText()).isEqualTo("SUBSCRIBED");

                int fastChanges = 0;
                for (int round = 0; round < 2_000 && connectionOf(fixture, slowUser).isPresent(); round++) {
                    for (int i = 0; i < 100; i++) {
                        fixture.rtsync.log.append(PROJECT, ids.get((round * 100 + i) % ids.size()), ChangeAction.EDIT);
                    }
                    if (round % 10 == 0) {
                        fixture.rtsync.log.append(TASK, watchedByFast, ChangeAction.EDIT);
                        fastChanges++;
                    }
                    fixture.rtsync.deliverPendingChanges.deliverPending(); // must never wait for the slow client
                }

                await().atMost(TestClient.TIMEOUT).until(() -> connectionOf(fixture, slowUser).isEmpty());
                assertThat(fixture.rtsync.store.subscriptionsOf(slowId)).isEmpty();

                for (int i = 0; i < fastChanges; i++) {
                    var message = fast.next();
                    assertThat(message.path("type").asText()).isEqualTo("INVALIDATE");
                    assertThat(message.path("payload").path("entityCode").asText()).isEqualTo("task");
                }
                fast.assertAlive();
            }
        }
    }

    /**
     * At most 900 INVALIDATEs are sent, so the queue's 1,000 messages are never reached: a cut-off
     * can only come from the bound in characters (64 K here), once the kernel's buffers are full.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void a_client_that_stops_reading_is_cut_off_by_the_size_of_its_queue_before_its_count() throws Exception {
        WebSocketSettings settings = ServerFixture.testSettings().withOutboundQueueCapacity(1_000).withMaxMessageBytes(64 * 1024);
        try (ServerFixture fixture = new ServerFixture(settings, 64 * 1024)) {
            UserId slowUser = ServerFixture.newUser();
            List<EntityId> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ids.add(new EntityId(UUID.randomUUID()));
            }
            try (RawClient slow = RawClient.connect(fixture.server.port(), fixture.tokenFor(slowUser))) {
                slow.sendText("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":["
                        + String.join(",", ids.stream().map(id -> "\"" + id + "\"").toList()) + "]}}");
                await().atMost(TestClient.TIMEOUT).until(() -> connectionOf(fixture, slowUser)
                        .map(connection -> connection.subscriptionCount() == 100).orElse(false));
                int sent = 0;
                for (; sent < 900 && connectionOf(fixture, slowUser).isPresent(); sent++) {
                    ids.forEach(id -> fixture.rtsync.log.append(PROJECT, id, ChangeAction.EDIT)); // one INVALIDATE of 100 changes, about 9 KB
                    fixture.rtsync.deliverPendingChanges.deliverPending();
                }
                await().atMost(TestClient.TIMEOUT).alias("cut off after " + sent + " messages")
                        .until(() -> connectionOf(fixture, slowUser).isEmpty());
            }
        }
    }

    /**
     * The pinging client's heartbeat is a twentieth of the idle timeout, so only a stall of the
     * whole machine for seconds could close it; the silent one is closed whatever the machine's speed.
     */
    @Test
    void a_silent_connection_is_closed_after_the_idle_timeout_and_a_pinging_one_is_not() throws Exception {
        Duration idleTimeout = Duration.ofSeconds(4);
        WebSocketSettings settings = ServerFixture.testSettings().withIdleTimeout(idleTimeout);
        try (ServerFixture fixture = new ServerFixture(settings, ServerFixture.LIMITS, ServerFixture.CONNECTION_LIMITS);
             TestClient silent = fixture.connect(ServerFixture.newUser());
             TestClient pinging = fixture.connect(ServerFixture.newUser())) {
            int pings = 0;
            while (!silent.isClosed() && pings < 200) { // 200 heartbeats: 10 idle timeouts
                pinging.assertAlive();
                pings++;
                Thread.sleep(idleTimeout.toMillis() / 20);
            }
            assertThat(silent.awaitClose()).isEqualTo(1001);
            assertThat(silent.closeReason()).containsIgnoringCase("idle");
            pinging.assertAlive();
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.registry.connectionCount() == 1);
        }
    }

    private static Optional<Connection> connectionOf(ServerFixture fixture, UserId user) {
        return fixture.rtsync.registry.all().stream().filter(connection -> connection.user().equals(user)).findFirst();
    }
}
