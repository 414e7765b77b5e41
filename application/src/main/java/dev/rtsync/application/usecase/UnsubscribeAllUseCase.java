package dev.rtsync.application.usecase;

import dev.rtsync.domain.ConnectionId;

import java.util.Objects;

/** A connection stops watching everything, and stays open. The design sends no answer. */
public final class UnsubscribeAllUseCase {

    /** The connection that sent UNSUBSCRIBE_ALL. */
    public record UnsubscribeAllCommand(ConnectionId connection) {
        public UnsubscribeAllCommand {
            Objects.requireNonNull(connection, "connection");
        }
    }

    /** How an UNSUBSCRIBE_ALL ended; the design sends no answer either way. */
    public sealed interface UnsubscribeAllResult {
        /** @param removed how many subscriptions the connection held */
        record Unsubscribed(int removed) implements UnsubscribeAllResult {
        }

        /** The connection closed before its message was handled. */
        record NotConnected() implements UnsubscribeAllResult {
        }
    }

    private final ConnectionRegistry registry;
    private final StoredSubscriptions stored;

    public UnsubscribeAllUseCase(ConnectionRegistry registry, StoredSubscriptions stored) {
        this.registry = registry;
        this.stored = stored;
    }

    public UnsubscribeAllResult unsubscribeAll(UnsubscribeAllCommand command) {
        return registry.find(command.connection()).<UnsubscribeAllResult>map(connection -> {
            int removed = connection.unsubscribeEverything();
            stored.forgetEverything(connection.id());
            return new UnsubscribeAllResult.Unsubscribed(removed);
        }).orElseGet(UnsubscribeAllResult.NotConnected::new);
    }
}
