package dev.rtsync.benchmarks;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.util.concurrent.CompletableFuture;

/**
 * One browser tab: a WebSocket whose whole text messages go to a {@link Handler} with the time
 * they arrived. Holds little state, since a run holds up to 60,000 of them; sends are chained so
 * each waits for the one before it, as a browser's do.
 */
public final class BenchSocket implements Session.Listener.AutoDemanding {

    /** What a scenario does with the server's messages; called on the client's threads. */
    interface Handler {
        void onText(BenchSocket socket, CharSequence text, long receivedNanos);

        default void onClosed(BenchSocket socket, int statusCode, String reason) {
        }
    }

    final int index;
    private final Handler handler;
    private volatile Session session;
    private volatile boolean closed;
    /** Set at the first PONG: the server accepted the token and the connection works both ways. */
    volatile boolean answeredPing;
    /** Set on the connections of the {@code flood} scenario's flooding user. */
    volatile boolean flooding;
    /** Whether the server accepted {@code permessage-deflate}: then every message is compressed both ways. */
    volatile boolean compressed;
    private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);

    BenchSocket(int index, Handler handler) {
        this.index = index;
        this.handler = handler;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.compressed = session.getUpgradeResponse().getExtensions().stream()
                .anyMatch(extension -> "permessage-deflate".equals(extension.getName()));
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        handler.onText(this, message, System.nanoTime());
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        if (!closed) {
            closed = true;
            handler.onClosed(this, statusCode, reason);
        }
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable error) {
        if (!closed) {
            closed = true;
            handler.onClosed(this, -1, String.valueOf(error));
        }
    }

    boolean isOpen() {
        Session s = session;
        return s != null && !closed && s.isOpen();
    }

    /** Queues a text message after the ones before it; completes when it has been written. */
    synchronized CompletableFuture<?> send(String text) {
        Session s = session;
        if (s == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not open"));
        }
        sends = sends.handle((ok, failed) -> null).thenCompose(ignored -> {
            Callback.Completable written = new Callback.Completable();
            s.sendText(text, written);
            return written;
        });
        return sends;
    }

    /** Starts a normal close; the server's reply is not awaited. */
    void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(1000, "benchmark done", Callback.NOOP);
        }
    }

    void abort() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }
}
