package dev.rtsync.benchmarks;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts what the server sends, and hands each INVALIDATE's changes to a tracker when there is one. */
final class MessageCounter implements BenchSocket.Handler {

    final AtomicLong subscribed = new AtomicLong();
    final AtomicLong subscribedIds = new AtomicLong();
    final AtomicLong lastSubscribedAt = new AtomicLong();
    final AtomicLong invalidates = new AtomicLong();
    final AtomicLong pongs = new AtomicLong();
    final AtomicLong connectionsThatAnsweredPing = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong expiringWarnings = new AtomicLong();
    final AtomicLong closedByServer = new AtomicLong();
    final AtomicReference<String> firstError = new AtomicReference<>("");
    final AtomicReference<String> firstClose = new AtomicReference<>("");
    private final DeliveryTracker tracker;
    private volatile boolean closing;

    MessageCounter(DeliveryTracker tracker) {
        this.tracker = tracker;
    }

    MessageCounter() {
        this(null);
    }

    /** From now on closes are ours, not the server's. */
    void closing() {
        closing = true;
    }

    @Override
    public void onText(BenchSocket socket, CharSequence text, long receivedNanos) {
        switch (InvalidateParser.type(text)) {
            case INVALIDATE -> {
                invalidates.incrementAndGet();
                if (tracker != null) {
                    InvalidateParser.forEachChange(text, (id, version) -> tracker.received(socket.index, id, version, receivedNanos));
                }
            }
            case SUBSCRIBED -> {
                subscribedIds.addAndGet(Math.max(0, InvalidateParser.subscribedCount(text)));
                lastSubscribedAt.accumulateAndGet(receivedNanos, Math::max);
                subscribed.incrementAndGet();
            }
            case PONG -> {
                if (!socket.answeredPing) {
                    socket.answeredPing = true; // a connection's messages arrive one at a time
                    connectionsThatAnsweredPing.incrementAndGet();
                }
                pongs.incrementAndGet();
            }
            case ERROR -> {
                errors.incrementAndGet();
                firstError.compareAndSet("", text.toString());
            }
            case TOKEN_EXPIRING_SOON -> expiringWarnings.incrementAndGet();
            case OTHER -> {
                errors.incrementAndGet();
                firstError.compareAndSet("", "unrecognised: " + text);
            }
        }
    }

    @Override
    public void onClosed(BenchSocket socket, int statusCode, String reason) {
        if (!closing) {
            closedByServer.incrementAndGet();
            firstClose.compareAndSet("", statusCode + " " + reason);
        }
    }

    /** Waits until {@code done} holds or the time is up; returns whether it held. */
    static boolean await(java.util.function.BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() >= deadlineNanos) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
