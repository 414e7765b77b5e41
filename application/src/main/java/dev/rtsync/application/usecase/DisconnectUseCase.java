package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;

import java.util.Objects;
import java.util.Optional;

/**
 * A connection closed, for whatever reason: its subscriptions go from memory and from the store,
 * and nothing is sent to it again. Closing one of a user's connections leaves the others as they are.
 */
public final class DisconnectUseCase {

    /** The connection whose socket closed, for whatever reason. */
    public record DisconnectCommand(ConnectionId connection) {
        public DisconnectCommand {
            Objects.requireNonNull(connection, "connection");
        }
    }

    private final ConnectionRegistry registry;
    private final SubscriptionStore store;

    public DisconnectUseCase(ConnectionRegistry registry, SubscriptionStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** Returns the connection that closed, or empty when it was not open (a second close is harmless). */
    public Optional<Connection> disconnect(DisconnectCommand command) {
        Optional<Connection> removed = registry.remove(command.connection());
        removed.ifPresent(connection -> {
            connection.unsubscribeEverything();
            UnsubscribeUseCase.forgetInStore(() -> store.removeConnection(connection.id()), connection);
        });
        return removed;
    }
}
