package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.rtsync.adapters.websocket.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real server, spoken to by a real WebSocket client, with the use cases in memory behind it. */
class WebSocketServerTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final String ID_1 = "550e8400-e29b-41d4-a716-446655440001";
    private static final String ID_2 = "550e8400-e29b-41d4-a716-446655440002";
    private static final String ID_3 = "550e8400-e29b-41d4-a716-446655440003";

    private final ServerFixture fixture = new ServerFixture();
    private final List<TestClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        fixture.close();
    }

    private TestClient connect(UserId user) {
        TestClient client = fixture.connect(user);
        clients.add(client);
        return client;
    }

    private TestClient connectWith(String uri) {
        TestClient client = TestClient.connect(uri);
        clients.add(client);
        return client;
    }

    private static String subscribe(String code, String... ids) {
        return "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"" + code + "\",\"entityIds\":["
                + String.join(",", Stream.of(ids).map(id -> "\"" + id + "\"").toList()) + "]}}";
    }

    private void change(String id, ChangeAction action) {
        fixture.rtsync.log.append(PROJECT, EntityId.parse(id), action);
    }

    private void deliver() {
        fixture.rtsync.deliverPendingChanges.deliverPending();
    }

    @Nested
    class Messages {

        @Test
        void ping_is_answered_pong_without_payload() {
            TestClient client = connect(ServerFixture.newUser());
            client.send("{\"type\":\"PING\"}");
            assertThat(client.next()).isEqualTo(json("{\"type\":\"PONG\"}"));
        }

        @Test
        void status_is_answered_with_the_connections_subscriptions_and_token_life() {
            TestClient client = connect(ServerFixture.newUser());
            client.send(subscribe("project", ID_1, ID_2));
            client.next();

            client.send("{\"type\":\"STATUS\"}");

            JsonNode report = client.next();
            assertThat(report.path("type").asText()).isEqualTo("STATUS_REPORT");
            assertThat(report.path("payload").path("connectionId").asText()).isNotBlank();
            assertThat(report.path("payload").path("subscriptions").intValue()).isEqualTo(2);
            assertThat(report.path("payload").path("tokenExpiresIn").longValue()).isEqualTo(3600 + 5); // exp plus the fixture's 5 s skew: the test clock stands still
        }

        @Test
        void the_original_url_without_a_path_works() {
            TestClient client = connectWith("ws://127.0.0.1:" + fixture.server.port() + "?token="
                    + fixture.tokenFor(ServerFixture.newUser()));
            client.assertAlive();
        }

        @Test
        void subscribe_is_answered_subscribed_with_the_count_and_changes_arrive_as_invalidate() {
            TestClient client = connect(ServerFixture.newUser());
            client.send(subscribe("project", ID_1, ID_2, ID_3));
            assertThat(client.next()).isEqualTo(json("{\"type\":\"SUBSCRIBED\",\"payload\":{\"count\":3}}"));

            change(ID_1, ChangeAction.EDIT);
            change(ID_2, ChangeAction.DELETE);
            deliver();

            assertThat(client.next()).isEqualTo(json("""
                    {"type":"INVALIDATE","payload":{"entityCode":"project","changes":[
                      {"entityId":"%s","action":"UPDATE","version":1},
                      {"entityId":"%s","action":"DELETE","version":2}],
                     "timestamp":"2025-11-27T10:30:00.000Z"}}""".formatted(ID_1, ID_2)));
        }

        @Test
        void one_change_to_many_subscribers_is_encoded_once_and_each_receives_it() {
            List<TestClient> watchers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestClient client = connect(ServerFixture.newUser());
                client.send(subscribe("project", ID_1));
                client.next();
                watchers.add(client);
            }
            long encodedBefore = fixture.rtsync.clients.encodings();

            change(ID_1, ChangeAction.EDIT);
            deliver();

            JsonNode expected = json("""
                    {"type":"INVALIDATE","payload":{"entityCode":"project","changes":[
                      {"entityId":"%s","action":"UPDATE","version":1}],
                     "timestamp":"2025-11-27T10:30:00.000Z"}}""".formatted(ID_1));
            for (TestClient watcher : watchers) {
                assertThat(watcher.next()).isEqualTo(expected);
            }
            assertThat(fixture.rtsync.clients.encodings() - encodedBefore).isEqualTo(1);
        }

        @Test
        void subscribers_that_each_get_two_batches_cost_one_encoding_per_batch() {
            List<TestClient> watchers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestClient client = connect(ServerFixture.newUser());
                client.send(subscribe("project", ID_1));
                client.next();
                client.send(subscribe("task", ID_2));
                client.next();
                watchers.add(client);
            }
            long encodedBefore = fixture.rtsync.clients.encodings();

            change(ID_1, ChangeAction.EDIT);
            fixture.rtsync.log.append(EntityCode.of("task"), EntityId.parse(ID_2), ChangeAction.EDIT);
            deliver();

            for (TestClient watcher : watchers) {
                assertThat(List.of(watcher.next(), watcher.next()))
                        .extracting(message -> message.path("payload").path("entityCode").asText())
                        .containsExactly("project", "task");
            }
            assertThat(fixture.rtsync.clients.encodings() - encodedBefore).isEqualTo(2);
        }

        @Test
        void subscribe_type_is_answered_and_a_task_created_later_arrives_as_an_ordinary_invalidate() {
            TestClient client = connect(ServerFixture.newUser());
            client.send("{\"type\":\"SUBSCRIBE_TYPE\",\"payload\":{\"entityCode\":\"task\"}}");
            assertThat(client.next()).isEqualTo(json("{\"type\":\"TYPE_SUBSCRIBED\",\"payload\":{\"entityCode\":\"task\"}}"));

            fixture.rtsync.log.append(EntityCode.of("task"), EntityId.parse(ID_3), ChangeAction.CREATE);
            deliver();

            assertThat(client.next()).isEqualTo(json("""
                    {"type":"INVALIDATE","payload":{"entityCode":"task","changes":[
                      {"entityId":"%s","action":"CREATE","version":1}],
                     "timestamp":"2025-11-27T10:30:00.000Z"}}""".formatted(ID_3)));
            client.send("{\"type\":\"UNSUBSCRIBE_TYPE\",\"payload\":{\"entityCode\":\"task\"}}");
            client.assertAlive();
            fixture.rtsync.log.append(EntityCode.of("task"), EntityId.parse(ID_2), ChangeAction.CREATE);
            deliver();
            client.assertAlive(); // the PONG comes first: no INVALIDATE was queued before it
        }

        @Test
        void subscribe_type_of_a_code_not_allowed_is_refused_with_its_own_code() {
            TestClient client = connect(ServerFixture.newUser());
            client.send("{\"type\":\"SUBSCRIBE_TYPE\",\"payload\":{\"entityCode\":\"project\"}}");
            assertThat(client.next()).isEqualTo(json("""
                    {"type":"ERROR","payload":{"message":"Subscriptions to every project are not allowed on this server; allowed: task",
                     "code":"TYPE_SUBSCRIPTION_NOT_ALLOWED"}}"""));
            client.assertAlive();
        }

        @Test
        void unsubscribe_of_ids_stops_their_changes_and_keeps_the_others() {
            TestClient client = connect(ServerFixture.newUser());
            client.send(subscribe("project", ID_1, ID_2));
            client.next();
            client.send("{\"type\":\"UNSUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"" + ID_1 + "\"]}}");
            client.assertAlive(); // UNSUBSCRIBE has no answer; the PONG shows it was handled

            change(ID_1, ChangeAction.EDIT);
            change(ID_2, ChangeAction.CREATE);
            deliver();

            JsonNode changes = client.next().path("payload").path("changes");
            assertThat(changes).hasSize(1);
            assertThat(changes.get(0).path("entityId").asText()).isEqualTo(ID_2);
            assertThat(changes.get(0).path("action").asText()).isEqualTo("CREATE");
        }

        @Test
        void unsubscribe_without_ids_drops_the_whole_entity_code() {
            TestClient client = connect(ServerFixture.newUser());
            client.send(subscribe("project", ID_1, ID_2));
            client.next();
            client.send("{\"type\":\"UNSUBSCRIBE\",\"payload\":{\"entityCode\":\"project\"}}");
            client.assertAlive();
            change(ID_1, ChangeAction.EDIT);
            deliver();
            client.assertAlive(); // the PONG comes first: no INVALIDATE was queued before it
            ConnectionId id = fixture.rtsync.registry.all().iterator().next().id();
            assertThat(fixture.rtsync.store.subscriptionsOf(id)).isEmpty();
        }

        @Test
        void unsubscribe_all_drops_everything_and_keeps_the_connection() {
            TestClient client = connect(ServerFixture.newUser());
            client.send(subscribe("project", ID_1));
            client.next();
            client.send(subscribe("task", ID_2));
            client.next();
            client.send("{\"type\":\"UNSUBSCRIBE_ALL\"}");
            client.assertAlive();
            change(ID_1, ChangeAction.EDIT);
            fixture.rtsync.log.append(EntityCode.of("task"), EntityId.parse(ID_2), ChangeAction.EDIT);
            deliver();
            client.assertAlive();
            assertThat(fixture.rtsync.registry.all()).singleElement()
                    .satisfies(connection -> assertThat(connection.subscriptionCount()).isZero());
        }
    }

    @Nested
    class ErrorsKeepTheConnection {

        static Stream<Arguments> badFrames() {
            String tooManyIds = subscribe("project", ID_1, ID_2, ID_3, "550e8400-e29b-41d4-a716-446655440004");
            return Stream.of(
                    Arguments.of("not JSON", "{nope", "INVALID_JSON"),
                    Arguments.of("trailing garbage", "{\"type\":\"PING\"} x", "INVALID_JSON"),
                    Arguments.of("empty frame", "", "INVALID_JSON"),
                    Arguments.of("not an object", "[1,2]", "INVALID_PAYLOAD"),
                    Arguments.of("no type", "{\"payload\":{}}", "UNKNOWN_TYPE"),
                    Arguments.of("type not a string", "{\"type\":7}", "UNKNOWN_TYPE"),
                    Arguments.of("unknown type", "{\"type\":\"HELLO\"}", "UNKNOWN_TYPE"),
                    Arguments.of("lower-case type", "{\"type\":\"ping\"}", "UNKNOWN_TYPE"),
                    Arguments.of("no payload", "{\"type\":\"SUBSCRIBE\"}", "INVALID_PAYLOAD"),
                    Arguments.of("payload not an object", "{\"type\":\"SUBSCRIBE\",\"payload\":[]}", "INVALID_PAYLOAD"),
                    Arguments.of("no entityCode", "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityIds\":[]}}", "INVALID_PAYLOAD"),
                    Arguments.of("entityCode a number", "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":42,\"entityIds\":[]}}", "INVALID_PAYLOAD"),
                    Arguments.of("no entityIds", "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\"}}", "INVALID_PAYLOAD"),
                    Arguments.of("entityIds a string", "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":\"" + ID_1 + "\"}}", "INVALID_PAYLOAD"),
                    Arguments.of("entityIds of numbers", "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[1]}}", "INVALID_PAYLOAD"),
                    Arguments.of("unsubscribe entityIds an object", "{\"type\":\"UNSUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":{}}}", "INVALID_PAYLOAD"),
                    Arguments.of("refresh without token", "{\"type\":\"TOKEN_REFRESH\",\"payload\":{}}", "INVALID_PAYLOAD"),
                    Arguments.of("refresh token a number", "{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":5}}", "INVALID_PAYLOAD"),
                    Arguments.of("id not a UUID", subscribe("project", "42"), "INVALID_ENTITY_ID"),
                    Arguments.of("short UUID form", subscribe("project", "1-1-1-1-1"), "INVALID_ENTITY_ID"),
                    Arguments.of("the nil UUID, reserved for SUBSCRIBE_TYPE", subscribe("project", "00000000-0000-0000-0000-000000000000"), "INVALID_ENTITY_ID"),
                    Arguments.of("subscribe type without payload", "{\"type\":\"SUBSCRIBE_TYPE\"}", "INVALID_PAYLOAD"),
                    Arguments.of("subscribe type of a malformed code", "{\"type\":\"SUBSCRIBE_TYPE\",\"payload\":{\"entityCode\":\"Task\"}}", "INVALID_ENTITY_CODE"),
                    Arguments.of("subscribe type of an unknown code", "{\"type\":\"SUBSCRIBE_TYPE\",\"payload\":{\"entityCode\":\"invoice\"}}", "UNKNOWN_ENTITY_CODE"),
                    Arguments.of("malformed entity code", subscribe("Project!", ID_1), "INVALID_ENTITY_CODE"),
                    Arguments.of("unknown entity code", subscribe("invoice", ID_1), "UNKNOWN_ENTITY_CODE"),
                    Arguments.of("too many ids", tooManyIds, "TOO_MANY_IDS"),
                    Arguments.of("too large", "{\"type\":\"PING\",\"pad\":\"" + "x".repeat(ServerFixture.MAX_MESSAGE_BYTES) + "\"}", "MESSAGE_TOO_LARGE"));
        }

        @ParameterizedTest(name = "{0} -> {2}")
        @MethodSource("badFrames")
        void a_bad_frame_gets_an_error_with_a_stable_code_and_the_connection_still_answers_ping(String what, String frame, String code) {
            TestClient client = connect(ServerFixture.newUser());
            client.send(frame);
            client.expectError(code);
            client.assertAlive();
        }

        @Test
        void too_many_subscriptions_is_an_error_and_changes_nothing() {
            TestClient client = connect(ServerFixture.newUser());
            client.send(subscribe("project", ID_1, ID_2, ID_3));
            client.next();
            client.send(subscribe("task", ID_1, ID_2, ID_3));
            client.expectError("TOO_MANY_SUBSCRIPTIONS");
            client.assertAlive();
            assertThat(fixture.rtsync.registry.all()).singleElement()
                    .satisfies(connection -> assertThat(connection.subscriptionCount()).isEqualTo(3));
        }

        @Test
        void a_binary_frame_is_an_invalid_payload() {
            TestClient client = connect(ServerFixture.newUser());
            client.sendBinary(new byte[] {1, 2, 3});
            client.expectError("INVALID_PAYLOAD");
            client.assertAlive();
        }

        @Test
        void unknown_fields_are_ignored() {
            TestClient client = connect(ServerFixture.newUser());
            client.send("{\"type\":\"PING\",\"id\":17,\"payload\":{\"x\":1}}");
            assertThat(client.next()).isEqualTo(json("{\"type\":\"PONG\"}"));
        }

        @Test
        void a_frame_over_twice_the_limit_closes_with_1009() {
            TestClient client = connect(ServerFixture.newUser());
            client.send("{\"type\":\"PING\",\"pad\":\"" + "x".repeat(2 * ServerFixture.MAX_MESSAGE_BYTES) + "\"}");
            assertThat(client.awaitClose()).isEqualTo(1009);
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.registry.connectionCount() == 0);
        }
    }

    @Nested
    class Authentication {

        static Stream<Arguments> badTokens() {
            Function<ServerFixture, String> expired = f -> TestTokens.valid(ServerFixture.newUser(), f.now().minusSeconds(60));
            return Stream.of(
                    Arguments.of("missing", (Function<ServerFixture, String>) f -> "ws://127.0.0.1:" + f.server.port() + "/"),
                    Arguments.of("empty", uri(f -> "")),
                    Arguments.of("garbage", uri(f -> "garbage")),
                    Arguments.of("wrong secret", uri(f -> TestTokens.signedWith(
                            "some-other-secret-of-32-bytes-or-more!!".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            ServerFixture.newUser(), f.now().plusSeconds(3600)))),
                    Arguments.of("alg none", uri(f -> TestTokens.unsigned(ServerFixture.newUser(), f.now().plusSeconds(3600)))),
                    Arguments.of("expired", uri(expired)),
                    Arguments.of("wrong algorithm", uri(f -> TestTokens.hs512(ServerFixture.newUser(), f.now().plusSeconds(3600)))),
                    Arguments.of("sub not a UUID", uri(f -> TestTokens.withSubject("alice", f.now().plusSeconds(3600)))));
        }

        private static Function<ServerFixture, String> uri(Function<ServerFixture, String> token) {
            return f -> f.uri(token.apply(f));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("badTokens")
        void a_bad_token_gets_auth_failed_then_close_4001(String what, Function<ServerFixture, String> uri) {
            TestClient client = connectWith(uri.apply(fixture));
            client.expectError("AUTH_FAILED");
            assertThat(client.awaitClose()).isEqualTo(4001);
            assertThat(fixture.rtsync.registry.connectionCount()).isZero();
        }

        @Test
        void a_user_past_the_connection_limit_gets_too_many_connections_then_close_1013() {
            UserId user = ServerFixture.newUser();
            connect(user);
            connect(user);
            TestClient third = connectWith(fixture.uri(fixture.tokenFor(user)));
            third.expectError("TOO_MANY_CONNECTIONS");
            assertThat(third.awaitClose()).isEqualTo(1013);
            connect(ServerFixture.newUser()).assertAlive(); // other users are not affected
        }
    }

    @Nested
    class TokenLifetime {

        @Test
        void warns_once_when_less_than_the_window_remains() {
            UserId user = ServerFixture.newUser();
            TestClient client = connectWith(fixture.uri(TestTokens.valid(user, fixture.now().plusSeconds(600))));
            client.assertAlive();
            fixture.rtsync.clock.advance(Duration.ofSeconds(301 + 5)); // the token lasts until exp plus the fixture's 5 s skew

            assertThat(fixture.rtsync.warnExpiringTokens.warn().warned()).isEqualTo(1);
            assertThat(client.next()).isEqualTo(json("{\"type\":\"TOKEN_EXPIRING_SOON\",\"payload\":{\"expiresIn\":299}}"));

            assertThat(fixture.rtsync.warnExpiringTokens.warn().warned()).isZero();
            client.assertAlive(); // nothing else was queued before the PONG
        }

        @Test
        void a_refresh_of_the_same_user_replaces_the_expiry() {
            UserId user = ServerFixture.newUser();
            TestClient client = connectWith(fixture.uri(TestTokens.valid(user, fixture.now().plusSeconds(600))));
            client.assertAlive();
            fixture.rtsync.clock.advance(Duration.ofSeconds(500));
            client.send("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\""
                    + TestTokens.valid(user, fixture.now().plusSeconds(3600)) + "\"}}");
            client.assertAlive();

            fixture.rtsync.clock.advance(Duration.ofSeconds(200)); // past the first token's expiry
            assertThat(fixture.rtsync.expireTokens.expire().expired()).isZero();
            client.assertAlive();
        }

        @Test
        void a_refresh_with_another_users_token_gets_auth_failed_and_closes() {
            TestClient client = connect(ServerFixture.newUser());
            client.send("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\"" + fixture.tokenFor(ServerFixture.newUser()) + "\"}}");
            client.expectError("AUTH_FAILED");
            assertThat(client.awaitClose()).isEqualTo(4001);
            // The use case queues the close before it disconnects, so the client can see the close first.
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.registry.connectionCount() == 0);
        }

        @Test
        void a_refresh_with_an_invalid_token_gets_auth_failed_and_closes() {
            TestClient client = connect(ServerFixture.newUser());
            client.send("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\"garbage\"}}");
            client.expectError("AUTH_FAILED");
            assertThat(client.awaitClose()).isEqualTo(4001);
        }

        @Test
        void an_unrefreshed_token_expires_with_token_expired_and_close_4002_and_its_subscriptions_go() {
            UserId user = ServerFixture.newUser();
            TestClient client = connectWith(fixture.uri(TestTokens.valid(user, fixture.now().plusSeconds(600))));
            client.send(subscribe("project", ID_1));
            client.next();
            ConnectionId id = fixture.rtsync.registry.all().iterator().next().id();
            assertThat(fixture.rtsync.store.subscriptionsOf(id)).hasSize(1);
            fixture.rtsync.clock.advance(Duration.ofSeconds(601 + 5)); // past exp plus the fixture's 5 s skew

            assertThat(fixture.rtsync.expireTokens.expire().expired()).isEqualTo(1);
            client.expectError("TOKEN_EXPIRED");
            assertThat(client.awaitClose()).isEqualTo(4002);
            assertThat(fixture.rtsync.registry.connectionCount()).isZero();
            assertThat(fixture.rtsync.store.subscriptionsOf(id)).isEmpty();
        }
    }

    @Nested
    class Health {

        private final HttpClient http = HttpClient.newHttpClient();

        private HttpResponse<String> health() throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.server.port() + "/health"))
                    .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Test
        void reports_ok_with_the_connection_counts_of_the_design() throws Exception {
            UserId user = ServerFixture.newUser();
            connect(user);
            connect(user);
            connect(ServerFixture.newUser());

            HttpResponse<String> response = health();

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(json(response.body())).isEqualTo(json("{\"status\":\"ok\",\"connections\":{\"connections\":3,\"users\":2}}"));
        }

        @Test
        void reports_503_with_a_generic_reason_when_the_database_is_unreachable_never_the_drivers_words() throws Exception {
            fixture.rtsync.health.reportProblem("Connection to db.internal:5432 refused: FATAL password authentication failed for user \"rtsync\"");

            HttpResponse<String> response = health();

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response.body())).isEqualTo(json("""
                    {"status":"unavailable","reason":"database unavailable",
                     "connections":{"connections":0,"users":0}}"""));
        }
    }

    /** Time stands still (the server's ticker is the test's), so the window cannot end mid-test on a slow machine. */
    @Test
    void a_connection_over_its_message_rate_gets_rate_limited_and_stays_open_and_the_next_second_is_served() {
        AtomicLong now = new AtomicLong();
        try (ServerFixture limited = new ServerFixture(ServerFixture.testSettings().withMaxMessagesPerSecond(5),
                FairnessSettings.DEFAULTS, now::get, UnaryOperator.identity());
             TestClient client = TestClient.connect(limited.uri(limited.tokenFor(ServerFixture.newUser())))) {
            for (int i = 0; i < 20; i++) {
                client.send("{\"type\":\"PING\"}");
            }
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                JsonNode message = client.next();
                answers.add(message.path("type").asText() + ":" + message.path("payload").path("code").asText(""));
            }
            List<String> expected = new ArrayList<>(Collections.nCopies(5, "PONG:"));
            expected.addAll(Collections.nCopies(15, "ERROR:RATE_LIMITED"));
            assertThat(answers).isEqualTo(expected);

            now.addAndGet(Duration.ofSeconds(1).toNanos());
            client.assertAlive();
        }
    }

    @Test
    void stopping_the_server_closes_every_connection_with_1001() {
        TestClient client = connect(ServerFixture.newUser());
        fixture.server.stop();
        assertThat(client.awaitClose()).isEqualTo(1001);
        assertThat(fixture.rtsync.registry.connectionCount()).isZero();
    }

    @Test
    void a_server_held_to_the_fewest_threads_serves_many_connections_and_never_runs_more() {
        long before = servingThreads(); // the other fixture's
        try (ServerFixture small = new ServerFixture(ServerFixture.testSettings().withMaxThreads(WebSocketSettings.MIN_THREADS),
                ServerFixture.LIMITS, ServerFixture.CONNECTION_LIMITS)) {
            for (int i = 0; i < 40; i++) {
                clients.add(small.connect(ServerFixture.newUser())); // each answered a PING
            }
            assertThat(servingThreads() - before).isBetween(1L, (long) WebSocketSettings.MIN_THREADS);
        }
    }

    private static long servingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(WebSocketServer.THREAD_NAME + "-"))
                .count();
    }
}
