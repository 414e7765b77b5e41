package dev.rtsync.application.port.out;

import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.Subscription;
import dev.rtsync.domain.UserId;

import java.util.Collection;
import java.util.Set;

/**
 * Where the subscriptions of this instance's connections are kept, so that the change log can
 * find the subscribers of a change (in PostgreSQL: {@code app.rxdb_subscription}).
 *
 * <p>A store belongs to one instance; every instance that shares a database has its own id, and
 * {@link #removeAllOfThisInstance()} touches only that instance's rows. All methods are
 * idempotent.
 */
public interface SubscriptionStore {

    /** Records that the connection watches the ids, in one round trip; ids already held stay as they are. */
    void add(ConnectionId connection, UserId user, EntityCode code, Collection<EntityId> ids);

    /** Forgets the given ids of the connection; ids it does not hold are ignored. */
    void remove(ConnectionId connection, EntityCode code, Collection<EntityId> ids);

    /** Forgets every id of the entity code the connection watches. */
    void removeEntityCode(ConnectionId connection, EntityCode code);

    /** Forgets everything the connection watches, when it closes. */
    void removeConnection(ConnectionId connection);

    /**
     * Forgets every subscription of this instance: at start-up those a crashed run left behind,
     * at shutdown those of the connections it closes.
     *
     * @return how many subscriptions were removed
     */
    int removeAllOfThisInstance();

    /** What the connection watches, for diagnostics and tests. */
    Set<Subscription> subscriptionsOf(ConnectionId connection);
}
