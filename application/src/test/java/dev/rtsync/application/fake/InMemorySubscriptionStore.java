package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.Subscription;
import dev.rtsync.domain.UserId;

import java.util.Collection;
import java.util.Set;

/** {@link SubscriptionStore} over {@link InMemorySubscriptionRows}; can pretend the database is down. */
public final class InMemorySubscriptionStore implements SubscriptionStore {

    private final InMemorySubscriptionRows rows;
    private final String instance;
    private volatile boolean unavailable;

    public InMemorySubscriptionStore(InMemorySubscriptionRows rows, String instance) {
        this.rows = rows;
        this.instance = instance;
    }

    /** A store of its own, for tests with one instance. */
    public static InMemorySubscriptionStore standalone() {
        return new InMemorySubscriptionStore(new InMemorySubscriptionRows(), "test-instance");
    }

    /** From now on every call fails as if the database were down, until {@code false} is set. */
    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    @Override
    public void add(ConnectionId connection, UserId user, EntityCode code, Collection<EntityId> ids) {
        checkAvailable();
        for (EntityId id : ids) {
            rows.add(new InMemorySubscriptionRows.Row(instance, new Subscription(connection, user, code, id)));
        }
    }

    @Override
    public void remove(ConnectionId connection, EntityCode code, Collection<EntityId> ids) {
        checkAvailable();
        Set<EntityId> gone = Set.copyOf(ids);
        rows.removeIf(row -> row.subscription().connection().equals(connection)
                && row.subscription().entityCode().equals(code)
                && gone.contains(row.subscription().entityId()));
    }

    @Override
    public void removeEntityCode(ConnectionId connection, EntityCode code) {
        checkAvailable();
        rows.removeIf(row -> row.subscription().connection().equals(connection)
                && row.subscription().entityCode().equals(code));
    }

    @Override
    public void removeConnection(ConnectionId connection) {
        checkAvailable();
        rows.removeIf(row -> row.subscription().connection().equals(connection));
    }

    @Override
    public int removeAllOfThisInstance() {
        checkAvailable();
        return rows.removeIf(row -> row.instance().equals(instance));
    }

    @Override
    public Set<Subscription> subscriptionsOf(ConnectionId connection) {
        checkAvailable();
        return rows.find(row -> row.subscription().connection().equals(connection));
    }

    public int rowCount() {
        return rows.size();
    }

    private void checkAvailable() {
        if (unavailable) {
            throw new StorageUnavailableException("in-memory store set unavailable", null);
        }
    }
}
