package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.Subscription;
import dev.rtsync.domain.UserId;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/** Passes every call on to another store; a test overrides the one call it needs to change. */
public class ForwardingSubscriptionStore implements SubscriptionStore {

    private final SubscriptionStore store;

    public ForwardingSubscriptionStore(SubscriptionStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void add(ConnectionId connection, UserId user, EntityCode code, Collection<EntityId> ids) {
        store.add(connection, user, code, ids);
    }

    @Override
    public void remove(ConnectionId connection, EntityCode code, Collection<EntityId> ids) {
        store.remove(connection, code, ids);
    }

    @Override
    public void removeEntityCode(ConnectionId connection, EntityCode code) {
        store.removeEntityCode(connection, code);
    }

    @Override
    public void removeConnection(ConnectionId connection) {
        store.removeConnection(connection);
    }

    @Override
    public int removeAllOfThisInstance() {
        return store.removeAllOfThisInstance();
    }

    @Override
    public Set<Subscription> subscriptionsOf(ConnectionId connection) {
        return store.subscriptionsOf(connection);
    }
}
