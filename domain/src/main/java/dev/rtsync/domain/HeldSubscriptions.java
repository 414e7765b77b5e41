package dev.rtsync.domain;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The subscriptions held on one instance, counted per user and in total, and which SUBSCRIBEs the
 * caps refused. Every {@link Connection} of an instance shares one: a connection takes ids on only
 * after {@link #tryHold} granted them, and gives back what it lets go, both under its own lock, so
 * the counts always equal what the connections hold, whatever threads run their messages.
 * Thread-safe; the lock is held for a few map operations and never calls out.
 */
public final class HeldSubscriptions {

    /** Why {@link #tryHold} refused: the cap, what its scope holds and the cap's value. */
    public record Refusal(SubscriptionCap cap, int held, int max) {
    }

    private final Map<UserId, Integer> perUser = new HashMap<>();
    private final Map<SubscriptionCap, Long> refusals = new EnumMap<>(SubscriptionCap.class);
    private int total;

    /**
     * Reserves {@code adding} more subscriptions for the user, or refuses the lot and reserves
     * nothing. The caps are checked from the narrowest (the connection) to the widest (the instance).
     *
     * @param heldByConnection what the asking connection holds now
     */
    public synchronized Optional<Refusal> tryHold(UserId user, int heldByConnection, int adding, SubscriptionLimits limits) {
        Objects.requireNonNull(user, "user");
        if (adding < 0) {
            throw new IllegalArgumentException("cannot hold a negative number of subscriptions: " + adding);
        }
        if (adding == 0) {
            return Optional.empty();
        }
        int heldByUser = perUser.getOrDefault(user, 0);
        Refusal refusal = null;
        if ((long) heldByConnection + adding > limits.maxSubscriptionsPerConnection()) {
            refusal = new Refusal(SubscriptionCap.CONNECTION, heldByConnection, limits.maxSubscriptionsPerConnection());
        } else if ((long) heldByUser + adding > limits.maxSubscriptionsPerUser()) {
            refusal = new Refusal(SubscriptionCap.USER, heldByUser, limits.maxSubscriptionsPerUser());
        } else if ((long) total + adding > limits.maxSubscriptionsPerInstance()) {
            refusal = new Refusal(SubscriptionCap.INSTANCE, total, limits.maxSubscriptionsPerInstance());
        }
        if (refusal != null) {
            refusals.merge(refusal.cap(), 1L, Long::sum);
            return Optional.of(refusal);
        }
        perUser.put(user, heldByUser + adding);
        total += adding;
        return Optional.empty();
    }

    /** Gives back subscriptions the user's connection no longer holds. */
    public synchronized void release(UserId user, int count) {
        if (count == 0) {
            return;
        }
        int heldByUser = perUser.getOrDefault(user, 0);
        if (count < 0 || count > heldByUser) {
            throw new IllegalStateException("cannot release " + count + " subscriptions of " + user + ", who holds " + heldByUser);
        }
        if (heldByUser == count) {
            perUser.remove(user); // users come and go: keep no entry for one who holds nothing
        } else {
            perUser.put(user, heldByUser - count);
        }
        total -= count;
    }

    /** The subscriptions all connections hold. */
    public synchronized int total() {
        return total;
    }

    /** The subscriptions the user holds across their connections. */
    public synchronized int heldBy(UserId user) {
        return perUser.getOrDefault(user, 0);
    }

    /** How many SUBSCRIBEs (and SUBSCRIBE_TYPEs) this cap refused so far. */
    public synchronized long refusals(SubscriptionCap cap) {
        return refusals.getOrDefault(cap, 0L);
    }
}
