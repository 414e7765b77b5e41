package dev.rtsync.adapters.websocket;

import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.fake.RecordingTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 2: connections whose upgrade has not been answered are counted and capped, and
 * each has a deadline. Slowloris clients on raw sockets, a partial handshake each, fill the cap;
 * the next connection is closed at once, a connected client keeps being served, and an honest
 * client is answered once the cap frees or the half-open ones reach their deadline.
 */
class PendingConnectionsTest {

    private static final int CAP = 5;
    private static final String PARTIAL_HANDSHAKE = "GET /?token=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n";

    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final List<Socket> slowloris = new ArrayList<>();
    private WebSocketServer server;
    private InMemoryRtsync<WebSocketClientChannel> rtsync;

    private void start(Duration handshakeTimeout) {
        WebSocketSettings settings = ServerFixture.testSettings().withMaxPendingConnections(CAP).withHandshakeTimeout(handshakeTimeout);
        rtsync = new InMemoryRtsync<>(new WebSocketClientChannel(settings, telemetry), ServerFixture.LIMITS,
                ServerFixture.CONNECTION_LIMITS, ServerFixture.CATALOG);
        server = new WebSocketServer(settings, rtsync.useCases, rtsync.clients, telemetry,
                OperationsEndpoints.healthOnly(rtsync.checkHealth)).start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : slowloris) {
            socket.close();
        }
        server.stop();
    }

    private String uri() {
        return "ws://127.0.0.1:" + server.port() + "/?token="
                + rtsync.tokens.issue("token", ServerFixture.newUser(), rtsync.clock.instant().plusSeconds(3600));
    }

    private Socket halfOpen() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
        socket.getOutputStream().write(PARTIAL_HANDSHAKE.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        slowloris.add(socket);
        return socket;
    }

    /** Whether the server closed the socket: end of stream or a reset, never data. */
    private static boolean closedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void past_the_cap_a_new_connection_is_closed_at_once_and_an_honest_client_is_answered_once_one_frees() throws Exception {
        start(Duration.ofMinutes(10)); // the deadline plays no part here
        try (TestClient connected = TestClient.connect(uri())) {
            connected.assertAlive();
            for (int i = 0; i < CAP; i++) {
                halfOpen();
            }
            await().atMost(TestClient.TIMEOUT).until(() -> server.pendingConnections() == CAP);

            Socket refused = halfOpen();
            assertThat(closedByServer(refused)).as("the connection past the cap is closed").isTrue();
            assertThat(telemetry.pendingRefused).hasValue(1);
            connected.assertAlive(); // an admitted WebSocket connection is not pending: it keeps being served

            slowloris.getFirst().close();
            await().atMost(TestClient.TIMEOUT).until(() -> server.pendingConnections() < CAP);
            try (TestClient honest = TestClient.connect(uri())) {
                honest.assertAlive();
            }
            assertThat(server.pendingConnections()).isEqualTo(CAP - 1);
        }
    }

    @Test
    void a_connection_that_does_not_complete_its_handshake_in_time_is_closed_and_frees_its_place() throws Exception {
        start(Duration.ofSeconds(2));
        try (TestClient connected = TestClient.connect(uri())) {
            for (int i = 0; i < CAP; i++) {
                halfOpen();
            }
            for (Socket socket : List.copyOf(slowloris)) {
                assertThat(closedByServer(socket)).as("closed at its deadline").isTrue();
            }
            await().atMost(TestClient.TIMEOUT).until(() -> server.pendingConnections() == 0);
            assertThat(telemetry.pendingTimedOut).hasValue(CAP);

            connected.assertAlive(); // upgraded before the deadline: a WebSocket connection has none
            try (TestClient honest = TestClient.connect(uri())) {
                honest.assertAlive();
            }
        }
    }
}
