package dev.rtsync.adapters.websocket;

/**
 * Counts one connection's messages in one-second windows: the per-connection rate limit.
 * Not thread-safe: Jetty hands a connection one frame at a time.
 */
final class MessageRate {
    private static final long SECOND = 1_000_000_000L;
    private final int perSecond;
    private long windowStart = Long.MIN_VALUE;
    private int count;

    MessageRate(int perSecond) {
        this.perSecond = perSecond;
    }

    /** @param now the ticker's time in nanoseconds; returns false for a message over this second's rate */
    boolean admit(long now) {
        if (windowStart == Long.MIN_VALUE || now - windowStart >= SECOND) {
            windowStart = now;
            count = 0;
        }
        return ++count <= perSecond;
    }
}
