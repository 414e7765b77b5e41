package dev.rtsync.benchmarks;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One browser tab: a WebSocket whose whole text messages go to a {@link Handler} with the time
 * they arrived. Holds little state, since a run holds up to 60,000 of them; sends are chained so
 * a caller never trips over the JDK's one-send-at-a-time rule.
 */
final class BenchSocket implements WebSocket.Listener {

    /** What a scenario does with the server's messages; called on the client's threads. */
    interface Handler {
        void onText(BenchSocket socket, CharSequence text, long receivedNanos);

        default void onClosed(BenchSocket socket, int statusCode, String reason) {
        }
    }

    final int index;
    private final Handler handler;
    private volatile WebSocket webSocket;
    private volatile boolean closed;
    private StringBuilder partial;
    private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);

    BenchSocket(int index, Handler handler) {
        this.index = index;
        this.handler = handler;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.webSocket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long now = System.nanoTime();
        if (last && partial == null) {
            handler.onText(this, data, now);
        } else {
            if (partial == null) {
                partial = new StringBuilder(data.length() * 2);
            }
            partial.append(data);
            if (last) {
                String whole = partial.toString();
                partial = null;
                handler.onText(this, whole, now);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed = true;
        handler.onClosed(this, statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!closed) {
            closed = true;
            handler.onClosed(this, -1, String.valueOf(error));
        }
    }

    boolean isOpen() {
        WebSocket ws = webSocket;
        return ws != null && !closed && !ws.isOutputClosed();
    }

    /** Queues a text message after the ones before it; completes when the JDK has written it. */
    synchronized CompletableFuture<?> send(String text) {
        WebSocket ws = webSocket;
        if (ws == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not open"));
        }
        sends = sends.handle((ok, failed) -> null).thenCompose(ignored -> ws.sendText(text, true));
        return sends;
    }

    /** Starts a normal close; the server's reply is not awaited. */
    void close() {
        WebSocket ws = webSocket;
        if (ws != null && !ws.isOutputClosed()) {
            synchronized (this) {
                sends = sends.handle((ok, failed) -> null)
                        .thenCompose(ignored -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "benchmark done"));
            }
        }
    }

    void abort() {
        WebSocket ws = webSocket;
        if (ws != null) {
            ws.abort();
        }
    }
}
