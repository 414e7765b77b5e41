package dev.rtsync.adapters.websocket;

import java.util.function.LongSupplier;

/**
 * A budget that refills at a steady rate up to a burst: each admitted event takes one token.
 * Time comes from a ticker in nanoseconds ({@link System#nanoTime} in production), so tests
 * decide when it passes. Thread-safe.
 */
final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1e9;

    private final double capacity;
    private final double perNano;
    private final LongSupplier ticker;
    private double tokens;
    private long refilledAt;

    /**
     * @param perSecond how many tokens come back each second
     * @param burst     the most tokens held, and the number it starts with
     */
    TokenBucket(double perSecond, double burst, LongSupplier ticker) {
        if (!(perSecond > 0) || !(burst >= 1)) {
            throw new IllegalArgumentException("a budget needs a positive rate and a burst of at least one");
        }
        this.capacity = burst;
        this.perNano = perSecond / NANOS_PER_SECOND;
        this.ticker = ticker;
        this.tokens = burst;
        this.refilledAt = ticker.getAsLong();
    }

    /** Takes a token if one is left; returns whether it did. */
    synchronized boolean tryTake() {
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Whether a token is left, without taking it. */
    synchronized boolean hasToken() {
        refill();
        return tokens >= 1;
    }

    /** How many whole tokens are left, without taking any. */
    synchronized int wholeTokens() {
        refill();
        return (int) tokens;
    }

    /** Whether the bucket has refilled completely: its owner has been quiet for long enough to forget. */
    synchronized boolean isFull() {
        refill();
        return tokens >= capacity;
    }

    private void refill() {
        long now = ticker.getAsLong();
        if (now > refilledAt) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
        }
    }
}
