package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import static dev.rtsync.adapters.websocket.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7's resource limits at the socket: connections per user and in total, subscriptions per
 * connection, and the message rate of one connection, while another client's PINGs keep being
 * answered as one connection blasts 10,000 messages a second (reading its answers, or not). How
 * much the other client's round trip grows is a duration: the benchmarks' {@code flood} scenario
 * measures it (docs/benchmarks.md).
 */
class ResourceLimitsTest {

    private static final String PING = "{\"type\":\"PING\"}";
    /**
     * Above the default 50 so the observer can PING about 300 times a second, far below the
     * blaster's 10,000: the limit works the same at any setting.
     */
    private static final int RATE_LIMIT = 1_000;

    @Test
    void over_the_per_user_or_total_cap_a_connection_gets_too_many_connections_and_1013_and_may_retry_later() {
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), ServerFixture.LIMITS, new ConnectionLimits(2, 3))) {
            UserId alice = ServerFixture.newUser();
            TestClient alice1 = fixture.connect(alice);
            TestClient alice2 = fixture.connect(alice);
            TestClient alice3 = TestClient.connect(fixture.uri(fixture.tokenFor(alice)));
            assertThat(alice3.expectError("TOO_MANY_CONNECTIONS").path("payload").path("message").asText())
                    .isEqualTo("Too many connections for this user");
            assertThat(alice3.awaitClose()).isEqualTo(1013);

            TestClient bob = fixture.connect(ServerFixture.newUser()); // the third connection: the instance is full
            UserId carol = ServerFixture.newUser();
            TestClient carol1 = TestClient.connect(fixture.uri(fixture.tokenFor(carol)));
            assertThat(carol1.expectError("TOO_MANY_CONNECTIONS").path("payload").path("message").asText())
                    .isEqualTo("Server is at its connection limit, retry later");
            assertThat(carol1.awaitClose()).isEqualTo(1013);
            alice1.assertAlive();
            bob.assertAlive();

            alice2.close();
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.registry.connectionCount() == 2);
            try (TestClient carol2 = fixture.connect(carol)) { // retrying later succeeds
                carol2.assertAlive();
            }
            alice1.close();
            bob.close();
        }
    }

    /**
     * 3,000 rather than the default 10,000: the in-memory subscription table scans every row on each
     * insert, so 10,000 took 9 s here; the limit is the same code at any size.
     */
    @Test
    void a_connection_past_its_subscription_limit_gets_too_many_subscriptions_and_keeps_what_it_holds() {
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings().withMaxMessageBytes(64 * 1024),
                new SubscriptionLimits(1_000, 3_000), ConnectionLimits.DEFAULTS);
             TestClient client = fixture.connect(ServerFixture.newUser())) {
            List<String> last = List.of();
            for (int i = 0; i < 3; i++) {
                last = IntStream.range(0, 1_000).mapToObj(n -> UUID.randomUUID().toString()).toList();
                client.send(subscribe(i % 2 == 0 ? "project" : "task", last));
                assertThat(client.next()).isEqualTo(json("{\"type\":\"SUBSCRIBED\",\"payload\":{\"count\":1000}}"));
            }
            client.send(subscribe("project", List.of(UUID.randomUUID().toString())));
            assertThat(client.expectError("TOO_MANY_SUBSCRIPTIONS").path("payload").path("message").asText())
                    .isEqualTo("At most 3000 subscriptions per connection; this one holds 3000 and asked for 1 more");
            client.send(subscribe("project", last.subList(0, 10))); // ids already held add nothing
            assertThat(client.next()).isEqualTo(json("{\"type\":\"SUBSCRIBED\",\"payload\":{\"count\":10}}"));
            client.assertAlive();
            assertThat(fixture.rtsync.registry.all()).singleElement()
                    .satisfies(connection -> assertThat(connection.subscriptionCount()).isEqualTo(3_000));
        }
    }

    @Test
    void a_client_blasting_10000_messages_a_second_is_rate_limited_while_another_client_is_answered() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings().withMaxMessagesPerSecond(RATE_LIMIT),
                ServerFixture.LIMITS, ConnectionLimits.DEFAULTS);
             TestClient observer = fixture.connect(ServerFixture.newUser());
             TestClient blaster = fixture.connect(ServerFixture.newUser())) {
            long started = System.nanoTime();
            AtomicInteger progress = new AtomicInteger();
            CompletableFuture<Integer> blast = inOwnThread(() -> blast(blaster::send, 10_000, Duration.ofSeconds(2), progress));
            int answered = pingsAnsweredWhile(observer, blast);
            int sent = blast.get(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;

            int pongs = 0;
            int limited = 0;
            for (int i = 0; i < sent; i++) {
                JsonNode answer = blaster.next();
                if (answer.path("type").asText().equals("PONG")) {
                    pongs++;
                } else {
                    assertThat(answer.path("payload").path("code").asText()).isEqualTo("RATE_LIMITED");
                    limited++;
                }
            }
            // Machine-independent: whatever the speed, the answers stay within the limit per window of the blast's length.
            assertThat(pongs).isLessThanOrEqualTo(RATE_LIMIT * ((int) Math.ceil(seconds) + 1));
            assertThat(limited).isPositive();
            assertThat(answered).as("observer PINGs answered during the blast").isPositive();
            await().atMost(TestClient.TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(blaster::assertAlive);
        }
    }

    @Test
    void a_blaster_that_does_not_read_its_rate_limited_answers_is_cut_off_while_another_client_is_answered() throws Exception {
        WebSocketSettings settings = ServerFixture.testSettings().withOutboundQueueCapacity(1_000).withMaxMessagesPerSecond(RATE_LIMIT);
        try (ServerFixture fixture = new ServerFixture(settings, ServerFixture.LIMITS, ConnectionLimits.DEFAULTS);
             TestClient observer = fixture.connect(ServerFixture.newUser());
             RawClient blaster = RawClient.connect(fixture.server.port(), fixture.tokenFor(ServerFixture.newUser()))) {
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.registry.connectionCount() == 2);
            AtomicInteger progress = new AtomicInteger();
            CompletableFuture<Integer> blast = inOwnThread(() -> blast(frame -> {
                try {
                    blaster.sendText(frame);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e); // cut off: the blast ends
                }
            }, 10_000, Duration.ofSeconds(10), progress));
            int answered = pingsAnsweredWhile(observer, blast);
            await().atMost(Duration.ofSeconds(60)).alias("the blaster is cut off (it sent " + progress + " so far)")
                    .until(() -> fixture.rtsync.registry.connectionCount() == 1);
            blast.get(30, TimeUnit.SECONDS);

            assertThat(answered).as("observer PINGs answered during the blast").isPositive();
            observer.assertAlive();
        }
    }

    /** Sends PINGs at {@code perSecond} (in 1 ms steps) for at most {@code duration} or until a send fails; returns how many were sent. */
    static int blast(java.util.function.Consumer<String> send, int perSecond, Duration duration, AtomicInteger progress) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        int sent = 0;
        try {
            while (System.nanoTime() < end) {
                long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L + 1;
                while (sent < due) {
                    send.accept(PING);
                    sent++;
                    progress.set(sent);
                }
                LockSupport.parkNanos(200_000);
            }
        } catch (RuntimeException e) {
            // the server cut the connection off
        }
        return sent;
    }

    /** Runs the task in a thread of its own: the common pool has one thread on a 2-core machine, and may be busy. */
    private static <T> CompletableFuture<T> inOwnThread(java.util.function.Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "blaster");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /**
     * PINGs the client (about 300 a second, well under the rate limit) until {@code running} ends,
     * expecting each PONG; returns how many were answered.
     */
    static int pingsAnsweredWhile(TestClient client, CompletableFuture<?> running) {
        int answered = 0;
        do {
            client.send(PING);
            assertThat(client.next().path("type").asText()).isEqualTo("PONG");
            answered++;
            LockSupport.parkNanos(2_000_000);
        } while (!running.isDone());
        return answered;
    }

    private static String subscribe(String code, List<String> ids) {
        return "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"" + code + "\",\"entityIds\":["
                + String.join(",", ids.stream().map(id -> "\"" + id + "\"").toList()) + "]}}";
    }
}
