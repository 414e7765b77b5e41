package dev.rtsync.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One open WebSocket connection of one user: who it is, since when, until when its token is
 * valid, and which entities it watches.
 *
 * <p>A connection's own messages arrive one at a time, but the change watcher and the expiry
 * check read it from other threads, so every method is synchronized on the connection.
 *
 * <p>What it holds is also counted in its instance's {@link HeldSubscriptions}, so that its user
 * and the instance stay within their caps: every change of its subscriptions changes those counts
 * by the same amount, under this connection's lock.
 */
public final class Connection {

    private final ConnectionId id;
    private final UserId user;
    private final Instant connectedAt;
    private Instant tokenExpiresAt;
    private boolean expiryWarned;
    private final Map<EntityCode, Set<EntityId>> subscriptions = new HashMap<>();
    private int subscriptionCount;
    private final HeldSubscriptions instanceSubscriptions;

    /**
     * A connection counted on its own: its user's and its instance's caps see only it. For tests and
     * tools; an instance's connections share the registry's counts.
     */
    public Connection(ConnectionId id, UserId user, Instant connectedAt, Instant tokenExpiresAt) {
        this(id, user, connectedAt, tokenExpiresAt, new HeldSubscriptions());
    }

    /** @param instanceSubscriptions the counts shared by every connection of this instance */
    public Connection(ConnectionId id, UserId user, Instant connectedAt, Instant tokenExpiresAt,
                      HeldSubscriptions instanceSubscriptions) {
        this.id = Objects.requireNonNull(id, "connection id");
        this.user = Objects.requireNonNull(user, "user");
        this.connectedAt = Objects.requireNonNull(connectedAt, "connected at");
        this.tokenExpiresAt = Objects.requireNonNull(tokenExpiresAt, "token expiry");
        this.instanceSubscriptions = Objects.requireNonNull(instanceSubscriptions, "instance subscriptions");
    }

    public ConnectionId id() {
        return id;
    }

    public UserId user() {
        return user;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    public synchronized Instant tokenExpiresAt() {
        return tokenExpiresAt;
    }

    /**
     * Adds the ids to what the connection watches, all or nothing: a request over a limit (of the
     * connection, its user or the instance) changes nothing. Ids already held count once and are
     * not added again.
     */
    public synchronized SubscribeOutcome subscribe(EntityCode code, Collection<EntityId> ids, SubscriptionLimits limits) {
        Objects.requireNonNull(code, "entity code");
        Set<EntityId> requested = new LinkedHashSet<>(ids);
        if (requested.size() > limits.maxIdsPerSubscribe()) {
            return new SubscribeOutcome.TooManyIds(requested.size(), limits.maxIdsPerSubscribe());
        }
        Set<EntityId> held = subscriptions.getOrDefault(code, Set.of());
        List<EntityId> added = new ArrayList<>(requested.size());
        for (EntityId entity : requested) {
            if (!held.contains(entity)) {
                added.add(entity);
            }
        }
        Optional<HeldSubscriptions.Refusal> refused = instanceSubscriptions.tryHold(user, subscriptionCount, added.size(), limits);
        if (refused.isPresent()) {
            HeldSubscriptions.Refusal refusal = refused.get();
            return new SubscribeOutcome.TooManySubscriptions(refusal.cap(), refusal.held(), added.size(), refusal.max());
        }
        if (!added.isEmpty()) {
            subscriptions.computeIfAbsent(code, c -> new HashSet<>()).addAll(added);
            subscriptionCount += added.size();
        }
        return new SubscribeOutcome.Accepted(requested.size(), new LinkedHashSet<>(added));
    }

    /** Stops watching the given ids; returns those that were held. */
    public synchronized Set<EntityId> unsubscribe(EntityCode code, Collection<EntityId> ids) {
        Set<EntityId> held = subscriptions.get(code);
        if (held == null) {
            return Set.of();
        }
        Set<EntityId> removed = new LinkedHashSet<>();
        for (EntityId entity : ids) {
            if (held.remove(entity)) {
                removed.add(entity);
            }
        }
        release(removed.size());
        if (held.isEmpty()) {
            subscriptions.remove(code);
        }
        return removed;
    }

    /** Stops watching every entity of the code; returns how many were held. */
    public synchronized int unsubscribeAll(EntityCode code) {
        Set<EntityId> held = subscriptions.remove(code);
        int removed = held == null ? 0 : held.size();
        release(removed);
        return removed;
    }

    /** Stops watching everything; returns how many were held. */
    public synchronized int unsubscribeEverything() {
        int removed = subscriptionCount;
        subscriptions.clear();
        release(removed);
        return removed;
    }

    private void release(int count) {
        subscriptionCount -= count;
        instanceSubscriptions.release(user, count);
    }

    /** Whether the connection watches the entity, by its id or by a subscription to every entity of the code. */
    public synchronized boolean isSubscribedTo(EntityCode code, EntityId entity) {
        Set<EntityId> held = subscriptions.getOrDefault(code, Set.of());
        return held.contains(entity) || held.contains(EntityId.EVERY);
    }

    public synchronized int subscriptionCount() {
        return subscriptionCount;
    }

    /** Takes the expiry of a newer token of the same user; a new token may be warned about again. */
    public synchronized TokenRefreshOutcome refreshToken(UserId tokenUser, Instant newExpiry) {
        if (!user.equals(tokenUser)) {
            return TokenRefreshOutcome.OTHER_USER;
        }
        tokenExpiresAt = Objects.requireNonNull(newExpiry, "token expiry");
        expiryWarned = false;
        return TokenRefreshOutcome.REFRESHED;
    }

    public synchronized boolean isExpired(Instant now) {
        return !now.isBefore(tokenExpiresAt);
    }

    /**
     * The token's remaining life in whole seconds, rounded up (1.5 s left is 2), and 0 once it
     * expired: the one rule for every number of seconds the protocol carries ({@code expiresIn},
     * {@code tokenExpiresIn}), so that they agree.
     */
    public synchronized long tokenExpiresInSeconds(Instant now) {
        Duration left = Duration.between(now, tokenExpiresAt);
        if (left.isNegative()) {
            return 0;
        }
        long seconds = left.toSeconds();
        return left.minusSeconds(seconds).isZero() ? seconds : seconds + 1;
    }

    /**
     * Returns the seconds left ({@link #tokenExpiresInSeconds}) when the token expires within the
     * window and this token was not warned about yet, and remembers that it now is: each token is
     * warned about once.
     */
    public synchronized OptionalLong takeExpiryWarning(Instant now, Duration window) {
        if (expiryWarned || isExpired(now)) {
            return OptionalLong.empty();
        }
        if (Duration.between(now, tokenExpiresAt).compareTo(window) > 0) {
            return OptionalLong.empty();
        }
        expiryWarned = true;
        return OptionalLong.of(tokenExpiresInSeconds(now));
    }

    @Override
    public String toString() {
        return "Connection[" + id + " of " + user + "]";
    }
}
