package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;

import java.util.Objects;
import java.util.Optional;

/** A connection stops watching everything, and stays open. The design sends no answer. */
public final class UnsubscribeAllUseCase {

    /** The connection that sent UNSUBSCRIBE_ALL. */
    public record UnsubscribeAllCommand(ConnectionId connection) {
        public UnsubscribeAllCommand {
            Objects.requireNonNull(connection, "connection");
        }
    }

    private final ConnectionRegistry registry;
    private final SubscriptionStore store;

    public UnsubscribeAllUseCase(ConnectionRegistry registry, SubscriptionStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** Returns how many subscriptions were dropped; empty when the connection is not open. */
    public Optional<Integer> unsubscribeAll(UnsubscribeAllCommand command) {
        return registry.find(command.connection()).map(connection -> {
            int removed = connection.unsubscribeEverything();
            UnsubscribeUseCase.forgetInStore(() -> store.removeConnection(connection.id()), connection);
            return removed;
        });
    }
}
