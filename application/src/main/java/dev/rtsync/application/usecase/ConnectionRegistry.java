package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.ConnectionLevels;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.HeldSubscriptions;
import dev.rtsync.domain.SubscriptionCap;
import dev.rtsync.domain.UserId;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections open on this instance. Thread-safe: transport threads add and remove while
 * the change watcher and the expiry check read. Its counts are this instance's
 * {@link ConnectionLevels}, for the metrics.
 */
public final class ConnectionRegistry implements ConnectionLevels {

    /** What {@link #register} decided. */
    public enum Admission { ADMITTED, TOO_MANY_FOR_USER, TOO_MANY_IN_TOTAL }

    private final ConnectionLimits limits;
    private final Map<ConnectionId, Connection> connections = new ConcurrentHashMap<>();
    private final Map<UserId, Integer> openPerUser = new ConcurrentHashMap<>();
    private final HeldSubscriptions subscriptions = new HeldSubscriptions();

    public ConnectionRegistry(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** Admits the connection unless its user or the instance is at its limit. */
    public synchronized Admission register(Connection connection) {
        if (connections.size() >= limits.maxTotal()) {
            return Admission.TOO_MANY_IN_TOTAL;
        }
        if (openPerUser.getOrDefault(connection.user(), 0) >= limits.maxPerUser()) {
            return Admission.TOO_MANY_FOR_USER;
        }
        if (connections.putIfAbsent(connection.id(), connection) != null) {
            throw new IllegalStateException(connection.id() + " is already registered");
        }
        openPerUser.merge(connection.user(), 1, Integer::sum);
        return Admission.ADMITTED;
    }

    /** Removes the connection; returns it when it was registered. */
    public synchronized Optional<Connection> remove(ConnectionId id) {
        Connection removed = connections.remove(id);
        if (removed != null) {
            openPerUser.computeIfPresent(removed.user(), (user, open) -> open == 1 ? null : open - 1);
        }
        return Optional.ofNullable(removed);
    }

    public Optional<Connection> find(ConnectionId id) {
        return Optional.ofNullable(connections.get(id));
    }

    /** A snapshot of the open connections. */
    public Collection<Connection> all() {
        return List.copyOf(connections.values());
    }

    @Override
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public int userCount() {
        return openPerUser.size();
    }

    @Override
    public int subscriptionCount() {
        return subscriptions.total();
    }

    @Override
    public long subscriptionsRefused(SubscriptionCap cap) {
        return subscriptions.refusals(cap);
    }

    /**
     * The subscriptions this instance's connections hold, per user and in total, against the
     * user and instance caps: every connection {@link ConnectUseCase} opens counts in it.
     */
    public HeldSubscriptions subscriptions() {
        return subscriptions;
    }
}
