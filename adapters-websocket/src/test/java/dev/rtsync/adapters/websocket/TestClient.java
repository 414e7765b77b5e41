package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** A browser stand-in: the JDK's WebSocket client, collecting every text message it receives. */
final class TestClient implements WebSocket.Listener, AutoCloseable {

    /** Generous: it bounds only a failing test, and a loaded two-core machine can stall for seconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason = "";
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static TestClient connect(String uri) {
        return connect(uri, Map.of());
    }

    /** Connects with extra request headers, such as a token where the server does not look for one. */
    static TestClient connect(String uri, Map<String, String> headers) {
        TestClient client = new TestClient();
        try {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
            headers.forEach(builder::header);
            client.socket = builder.buildAsync(URI.create(uri), client).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not connect", e);
        }
        return client;
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next message received, as JSON; fails when none arrives in time. */
    JsonNode next() {
        try {
            String text = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                fail("no message within " + TIMEOUT);
            }
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Sends a PING and expects the next message to be its PONG: proves the connection still works. */
    void assertAlive() {
        send("{\"type\":\"PING\"}");
        assertThat(next()).isEqualTo(json("{\"type\":\"PONG\"}"));
    }

    /** Expects an ERROR with the code and returns it. */
    JsonNode expectError(String code) {
        JsonNode message = next();
        assertThat(message.path("type").asText()).as(message.toString()).isEqualTo("ERROR");
        assertThat(message.path("payload").path("code").asText()).as(message.toString()).isEqualTo(code);
        assertThat(message.path("payload").path("message").isTextual()).isTrue();
        return message;
    }

    /** The close code the server sent; fails when the connection is not closed in time. */
    int awaitClose() {
        try {
            return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within " + TIMEOUT, e);
        }
    }

    /** The reason the server gave with its close, once closed. */
    String closeReason() {
        return closeReason;
    }

    boolean isClosed() {
        return closeCode.isDone();
    }

    int pendingMessages() {
        return received.size();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(1006);
    }

    @Override
    public void close() {
        if (socket != null && !closeCode.isDone()) {
            socket.abort();
        }
    }
}
