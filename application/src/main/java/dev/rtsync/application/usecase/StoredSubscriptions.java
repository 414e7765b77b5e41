package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Removing a connection's rows from the {@link SubscriptionStore} when the connection's own record
 * has already changed: shared by the use cases that unsubscribe and the ones that end a connection,
 * so that all of them treat an unreachable store alike. None of these removals fails its caller:
 * delivery checks the connection's own record, so a row left behind never reaches a client.
 *
 * <ul>
 *   <li>Rows of an open connection that could not be removed go when it closes.</li>
 *   <li>Rows of a closed connection are remembered and removed by {@link #retryFailedRemovals()}
 *       once the store answers, up to {@code maxUnremoved} connections; past that (a long outage
 *       with heavy churn) they stay until this instance's next start or graceful stop, which
 *       removes all of its rows. Memory stays bounded either way.</li>
 * </ul>
 */
public final class StoredSubscriptions {

    private static final System.Logger LOG = System.getLogger(StoredSubscriptions.class.getName());

    /** How many closed connections' rows are remembered for removal at most, by default. */
    public static final int DEFAULT_MAX_UNREMOVED = 100_000;

    private final SubscriptionStore store;
    private final int maxUnremoved;
    private final Set<ConnectionId> unremoved = ConcurrentHashMap.newKeySet();

    public StoredSubscriptions(SubscriptionStore store) {
        this(store, DEFAULT_MAX_UNREMOVED);
    }

    /** @param maxUnremoved the most closed connections whose rows are remembered while the store is unreachable */
    public StoredSubscriptions(SubscriptionStore store, int maxUnremoved) {
        if (maxUnremoved < 1) {
            throw new IllegalArgumentException("at least one closed connection must be remembered");
        }
        this.store = store;
        this.maxUnremoved = maxUnremoved;
    }

    /** Removes an open connection's rows of these ids. */
    void forget(ConnectionId connection, EntityCode code, Collection<EntityId> ids) {
        whileOpen(connection, () -> store.remove(connection, code, ids));
    }

    /** Removes an open connection's rows of the entity code. */
    void forgetEntityCode(ConnectionId connection, EntityCode code) {
        whileOpen(connection, () -> store.removeEntityCode(connection, code));
    }

    /** Removes every row of an open connection, which stays open. */
    void forgetEverything(ConnectionId connection) {
        whileOpen(connection, () -> store.removeConnection(connection));
    }

    /** Removes every row of a connection that closed; remembers it for a retry when the store is unreachable. */
    void forgetClosed(ConnectionId connection) {
        try {
            store.removeConnection(connection);
        } catch (StorageUnavailableException e) {
            if (unremoved.size() < maxUnremoved) {
                unremoved.add(connection);
                LOG.log(Level.WARNING, "Could not remove the stored subscriptions of {0} now; retrying: {1}",
                        connection, e.getMessage());
            } else {
                LOG.log(Level.WARNING, "Could not remove the stored subscriptions of {0}, and {1} closed connections"
                        + " already wait for removal: they stay until this instance restarts", connection, maxUnremoved);
            }
        }
    }

    /**
     * Removes the stored rows of connections that closed while the store was unreachable. Cheap
     * when there are none.
     *
     * @return how many closed connections' rows are still to be removed
     */
    int retryFailedRemovals() {
        for (ConnectionId id : unremoved) {
            try {
                store.removeConnection(id);
                unremoved.remove(id);
            } catch (StorageUnavailableException e) {
                break; // still unreachable: try again next time
            }
        }
        return unremoved.size();
    }

    private static void whileOpen(ConnectionId connection, Runnable removal) {
        try {
            removal.run();
        } catch (StorageUnavailableException e) {
            LOG.log(Level.WARNING, "Could not remove stored subscriptions of {0} now; they go when it closes: {1}",
                    connection, e.getMessage());
        }
    }
}
