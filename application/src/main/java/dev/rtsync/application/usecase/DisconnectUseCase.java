package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection closed, for whatever reason: its subscriptions go from memory and from the store,
 * and nothing is sent to it again. Closing one of a user's connections leaves the others as they are.
 *
 * <p>When the store cannot be reached, the connection's stored rows are remembered and removed by
 * {@link #retryFailedRemovals()} once it can: stale rows never reach a client (delivery checks the
 * open connections), but they must not pile up.
 */
public final class DisconnectUseCase {

    private static final System.Logger LOG = System.getLogger(DisconnectUseCase.class.getName());

    /** The connection whose socket closed, for whatever reason. */
    public record DisconnectCommand(ConnectionId connection) {
        public DisconnectCommand {
            Objects.requireNonNull(connection, "connection");
        }
    }

    /** How many closed connections' rows are remembered for removal at most, by default. */
    public static final int DEFAULT_MAX_UNREMOVED = 100_000;

    private final ConnectionRegistry registry;
    private final SubscriptionStore store;
    private final int maxUnremoved;
    private final Set<ConnectionId> unremoved = ConcurrentHashMap.newKeySet();

    public DisconnectUseCase(ConnectionRegistry registry, SubscriptionStore store) {
        this(registry, store, DEFAULT_MAX_UNREMOVED);
    }

    /**
     * @param maxUnremoved the most closed connections whose rows are remembered while the store is
     *                     unreachable. Past it (a long outage with heavy churn) a connection's rows
     *                     stay until this instance's next start or graceful stop, which removes all of
     *                     its rows; memory stays bounded either way, and stale rows never reach a client.
     */
    public DisconnectUseCase(ConnectionRegistry registry, SubscriptionStore store, int maxUnremoved) {
        if (maxUnremoved < 1) {
            throw new IllegalArgumentException("at least one closed connection must be remembered");
        }
        this.registry = registry;
        this.store = store;
        this.maxUnremoved = maxUnremoved;
    }

    /** Returns the connection that closed, or empty when it was not open (a second close is harmless). */
    public Optional<Connection> disconnect(DisconnectCommand command) {
        Optional<Connection> removed = registry.remove(command.connection());
        removed.ifPresent(connection -> {
            connection.unsubscribeEverything();
            try {
                store.removeConnection(connection.id());
            } catch (StorageUnavailableException e) {
                if (unremoved.size() < maxUnremoved) {
                    unremoved.add(connection.id());
                    LOG.log(Level.WARNING, "Could not remove the stored subscriptions of {0} now; retrying: {1}",
                            connection.id(), e.getMessage());
                } else {
                    LOG.log(Level.WARNING, "Could not remove the stored subscriptions of {0}, and {1} closed connections"
                            + " already wait for removal: they stay until this instance restarts", connection.id(), maxUnremoved);
                }
            }
        });
        return removed;
    }

    /**
     * Removes the stored rows of connections that closed while the store was unreachable. Cheap
     * when there are none; run it periodically.
     *
     * @return how many connections' rows are still to be removed
     */
    public int retryFailedRemovals() {
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
}
