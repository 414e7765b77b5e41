package dev.rtsync.adapters.websocket;

import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.fake.RecordingTelemetry;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.rtsync.adapters.websocket.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The probes, {@code /metrics}, and what the transport reports to {@link Telemetry}. */
class OperationsEndpointsTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final WebSocketSettings settings = ServerFixture.testSettings();
    private final InMemoryRtsync<WebSocketClientChannel> rtsync = new InMemoryRtsync<>(
            new WebSocketClientChannel(settings, telemetry), ServerFixture.LIMITS, ServerFixture.CONNECTION_LIMITS,
            ServerFixture.CATALOG);
    private final WebSocketServer server = new WebSocketServer(settings, rtsync.useCases, rtsync.clients, telemetry,
            new OperationsEndpoints(rtsync.checkHealth, alive::get, Optional.of(() -> "rtsync_up 1\n"))).start();

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void live_answers_200_while_the_process_works_even_when_the_database_is_down() throws Exception {
        rtsync.health.reportProblem("database unreachable: connection refused");

        HttpResponse<String> response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body())).isEqualTo(json("{\"status\":\"ok\"}"));
    }

    @Test
    void live_answers_503_when_the_process_stopped_working() throws Exception {
        alive.set(false);

        HttpResponse<String> response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body())).isEqualTo(json("{\"status\":\"unavailable\",\"reason\":\"the change watcher stopped\"}"));
    }

    @Test
    void ready_follows_the_database() throws Exception {
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);

        rtsync.health.reportProblem("database reachable but 1 migration is pending");
        HttpResponse<String> response = get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body())).isEqualTo(json(
                "{\"status\":\"unavailable\",\"reason\":\"database unavailable\"}")); // the details are for the log
    }

    @Test
    void metrics_are_served_in_prometheus_text_format() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(OperationsEndpoints.PROMETHEUS_TEXT);
        assertThat(response.body()).isEqualTo("rtsync_up 1\n");
    }

    @Test
    void the_management_server_serves_metrics_on_a_port_of_its_own() throws Exception {
        ManagementServer management = new ManagementServer("127.0.0.1", 0, () -> "rtsync_up 1\n").start();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + management.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(OperationsEndpoints.PROMETHEUS_TEXT);
            assertThat(response.body()).isEqualTo("rtsync_up 1\n");
        } finally {
            management.stop();
        }
    }

    @Test
    void without_metrics_there_is_no_metrics_page() throws Exception {
        WebSocketServer plain = new WebSocketServer(settings.withPort(0), rtsync.useCases, rtsync.clients, Telemetry.NONE,
                OperationsEndpoints.healthOnly(rtsync.checkHealth)).start();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + plain.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
        } finally {
            plain.stop();
        }
    }

    @Test
    void every_frame_received_and_message_sent_is_reported_by_its_wire_type() {
        UserId user = ServerFixture.newUser();
        try (TestClient client = TestClient.connect(
                "ws://127.0.0.1:" + server.port() + "/?token=" + rtsync.tokens.issue("token", user, rtsync.clock.instant().plusSeconds(3600)))) {
            client.send("{\"type\":\"PING\"}");
            client.next();
            client.send("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"550e8400-e29b-41d4-a716-446655440000\"]}}");
            client.next();
            client.send("not json");
            client.expectError("INVALID_JSON");
            client.send("{\"type\":\"SURPRISE\"}");
            client.expectError("UNKNOWN_TYPE");

            await().atMost(TestClient.TIMEOUT).until(() -> telemetry.sent.size() == 4);
            assertThat(telemetry.received).containsExactly("PING", "SUBSCRIBE", Telemetry.UNREADABLE, Telemetry.UNREADABLE);
            assertThat(telemetry.sent).containsExactly("PONG", "SUBSCRIBED", "ERROR", "ERROR");
            assertThat(telemetry.errors).containsExactly(ErrorCode.INVALID_JSON, ErrorCode.UNKNOWN_TYPE);
        }
    }

    @Test
    void connections_opened_admitted_or_refused_and_closed_are_counted() {
        String valid = rtsync.tokens.issue("token", ServerFixture.newUser(), rtsync.clock.instant().plusSeconds(3600));
        try (TestClient admitted = TestClient.connect("ws://127.0.0.1:" + server.port() + "/?token=" + valid)) {
            admitted.assertAlive();
            try (TestClient refused = TestClient.connect("ws://127.0.0.1:" + server.port() + "/?token=not-a-token")) {
                refused.expectError("AUTH_FAILED");
                await().atMost(TestClient.TIMEOUT).until(() -> telemetry.connectionsClosed.get() == 1);
            }
            assertThat(telemetry.connectionsAdmitted).hasValue(1);
            assertThat(telemetry.connectionsRefused).hasValue(1);
        }
        await().atMost(TestClient.TIMEOUT).until(() -> telemetry.connectionsClosed.get() == 2);
    }

    @Test
    void a_slow_client_cut_off_is_reported_once() throws Exception {
        try (RawClient slow = RawClient.connect(server.port(),
                rtsync.tokens.issue("slow", ServerFixture.newUser(), rtsync.clock.instant().plusSeconds(3600)))) {
            await().atMost(TestClient.TIMEOUT).until(() -> rtsync.registry.connectionCount() == 1);
            ConnectionId id = rtsync.registry.all().iterator().next().id();
            ErrorMessage large = new ErrorMessage(ErrorCode.INTERNAL_ERROR, "x".repeat(60_000));

            int sent = 0;
            while (rtsync.clients.send(id, large) && sent < 100_000) { // the client never reads
                sent++;
            }

            assertThat(telemetry.slowClients).hasValue(1);
            assertThat(rtsync.clients.send(id, large)).isFalse();
            assertThat(telemetry.slowClients).hasValue(1);
        }
    }
}
