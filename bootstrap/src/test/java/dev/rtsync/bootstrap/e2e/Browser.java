package dev.rtsync.bootstrap.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A browser tab as the end-to-end tests see it: the JDK's WebSocket client speaking the wire
 * protocol, recording every message with the time it arrived.
 */
final class Browser implements WebSocket.Listener, AutoCloseable {

    /** Generous: it bounds only a failing test, and a loaded two-core machine can stall for seconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A message and {@link System#nanoTime()} when it arrived. */
    record Received(JsonNode message, long atNanos) {
        String type() {
            return message.path("type").asText();
        }

        JsonNode payload() {
            return message.path("payload");
        }
    }

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static Browser open(int port, String token) {
        Browser browser = new Browser();
        try {
            browser.socket = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "?token=" + token), browser)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not connect to port " + port, e);
        }
        return browser;
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    /** Sends SUBSCRIBE and waits for its SUBSCRIBED, returning the count. */
    int subscribe(String entityCode, List<?> ids) {
        sendSubscribe(entityCode, ids);
        return next("SUBSCRIBED").payload().path("count").asInt();
    }

    /** Sends SUBSCRIBE without waiting: with changes under way, an INVALIDATE may come before SUBSCRIBED. */
    void sendSubscribe(String entityCode, List<?> ids) {
        StringBuilder array = new StringBuilder();
        for (Object id : ids) {
            array.append(array.isEmpty() ? "" : ",").append('"').append(id).append('"');
        }
        send("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"" + entityCode + "\",\"entityIds\":[" + array + "]}}");
    }

    /** The next message of the type, skipping none: any other message first fails the test. */
    Received next(String type) {
        Received next = poll(TIMEOUT);
        if (next == null) {
            fail("no " + type + " within " + TIMEOUT);
        }
        if (!next.type().equals(type)) {
            fail("expected " + type + " but received " + next.message());
        }
        return next;
    }

    /** The next message of any type. */
    Received next() {
        Received next = poll(TIMEOUT);
        if (next == null) {
            fail("no message within " + TIMEOUT);
        }
        return next;
    }

    /** The next message, or null when none arrives within the wait. */
    Received poll(Duration wait) {
        try {
            return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Everything received within the quiet period, waiting while messages keep coming. */
    List<Received> drain(Duration quiet) {
        List<Received> all = new ArrayList<>();
        Received next;
        while ((next = poll(quiet)) != null) {
            all.add(next);
        }
        return all;
    }

    /** Whether the server closed the connection (or it broke). */
    boolean isClosed() {
        return closeCode.isDone();
    }

    int awaitClose() {
        try {
            return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within " + TIMEOUT, e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            try {
                received.add(new Received(JSON.readTree(partial.toString()), now));
            } catch (Exception e) {
                received.add(new Received(JSON.createObjectNode().put("type", "UNPARSABLE").put("text", partial.toString()), now));
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(1006);
    }

    /** Drops the connection without a close handshake: a send blocked by the server's backpressure fails at once. */
    void abort() {
        if (socket != null) {
            socket.abort();
        }
    }

    @Override
    public void close() {
        if (socket != null && !closeCode.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(error -> {
                        socket.abort();
                        return null;
                    }).join();
        }
    }
}
