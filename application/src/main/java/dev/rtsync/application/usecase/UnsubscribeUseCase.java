package dev.rtsync.application.usecase;

import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A connection stops watching some ids of an entity code, or the whole code. The design sends
 * no answer. The connection's own record is changed first, and delivery checks it, so a change
 * of an unsubscribed entity is never sent even while the store is unreachable; stored rows that
 * could not be removed then go when the connection closes ({@link StoredSubscriptions}).
 */
public final class UnsubscribeUseCase {

    /** @param entityIds the ids to forget; empty to forget every id of the code */
    public record UnsubscribeCommand(ConnectionId connection, EntityCode entityCode, Optional<List<EntityId>> entityIds) {
        public UnsubscribeCommand {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(entityCode, "entity code");
            entityIds = entityIds.map(List::copyOf);
        }
    }

    /** An UNSUBSCRIBE_TYPE: stop watching every entity of the code; subscriptions by id stay. */
    public record UnsubscribeTypeCommand(ConnectionId connection, EntityCode entityCode) {
        public UnsubscribeTypeCommand {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(entityCode, "entity code");
        }
    }

    /** How an UNSUBSCRIBE ended; the design sends no answer either way. */
    public sealed interface UnsubscribeResult {
        /** @param removed how many of the connection's subscriptions went (ids it did not hold are not counted) */
        record Unsubscribed(int removed) implements UnsubscribeResult {
        }

        /** The connection closed before its message was handled. */
        record NotConnected() implements UnsubscribeResult {
        }
    }

    private final ConnectionRegistry registry;
    private final StoredSubscriptions stored;

    public UnsubscribeUseCase(ConnectionRegistry registry, StoredSubscriptions stored) {
        this.registry = registry;
        this.stored = stored;
    }

    public UnsubscribeResult unsubscribe(UnsubscribeCommand command) {
        Optional<Connection> found = registry.find(command.connection());
        if (found.isEmpty()) {
            return new UnsubscribeResult.NotConnected();
        }
        Connection connection = found.get();
        EntityCode code = command.entityCode();
        int removed;
        if (command.entityIds().isPresent()) {
            Set<EntityId> held = connection.unsubscribe(code, command.entityIds().get());
            removed = held.size();
            if (!held.isEmpty()) {
                stored.forget(connection.id(), code, held);
            }
        } else {
            removed = connection.unsubscribeAll(code);
            if (removed > 0) {
                stored.forgetEntityCode(connection.id(), code);
            }
        }
        return new UnsubscribeResult.Unsubscribed(removed);
    }

    /** Ends a subscription to every entity of the code, if the connection holds one; no answer. */
    public UnsubscribeResult unsubscribeFromType(UnsubscribeTypeCommand command) {
        return unsubscribe(new UnsubscribeCommand(command.connection(), command.entityCode(),
                Optional.of(List.of(EntityId.EVERY))));
    }
}
