package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.message.ServerMessage.Subscribed;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.SubscribeOutcome;
import dev.rtsync.domain.SubscriptionLimits;

import java.util.List;
import java.util.Objects;

/** A connection starts watching entities; it is answered SUBSCRIBED or ERROR. */
public final class SubscribeUseCase {

    /** A SUBSCRIBE, already decoded into domain values; duplicate ids count once. */
    public record SubscribeCommand(ConnectionId connection, EntityCode entityCode, List<EntityId> entityIds) {
        public SubscribeCommand {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(entityCode, "entity code");
            entityIds = List.copyOf(entityIds);
        }
    }

    /** How a SUBSCRIBE ended; the client was sent the matching SUBSCRIBED or ERROR, if it is still open. */
    public sealed interface SubscribeResult {
        /** @param count the number of distinct ids the command named, as SUBSCRIBED reports it */
        record Subscribed(int count) implements SubscribeResult {
        }

        /** Refused with this code, and nothing was subscribed (all or nothing). */
        record Rejected(ErrorCode code) implements SubscribeResult {
        }

        /** The connection closed before its message was handled; nothing was sent. */
        record NotConnected() implements SubscribeResult {
        }
    }

    private final ConnectionRegistry registry;
    private final SubscriptionStore store;
    private final ClientChannel clients;
    private final SubscriptionLimits limits;
    private final EntityCatalog catalog;

    public SubscribeUseCase(ConnectionRegistry registry, SubscriptionStore store, ClientChannel clients,
                            SubscriptionLimits limits, EntityCatalog catalog) {
        this.registry = registry;
        this.store = store;
        this.clients = clients;
        this.limits = limits;
        this.catalog = catalog;
    }

    public SubscribeResult subscribe(SubscribeCommand command) {
        Connection connection = registry.find(command.connection()).orElse(null);
        if (connection == null) {
            return new SubscribeResult.NotConnected();
        }
        if (!catalog.accepts(command.entityCode())) {
            return reject(connection, new ErrorMessage(ErrorCode.UNKNOWN_ENTITY_CODE,
                    "Unknown entity code: " + command.entityCode()));
        }
        return switch (connection.subscribe(command.entityCode(), command.entityIds(), limits)) {
            case SubscribeOutcome.TooManyIds tooMany -> reject(connection, new ErrorMessage(ErrorCode.TOO_MANY_IDS,
                    "At most " + tooMany.max() + " entity ids per SUBSCRIBE, got " + tooMany.requested()));
            case SubscribeOutcome.TooManySubscriptions tooMany -> reject(connection, new ErrorMessage(ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    "At most " + tooMany.max() + " subscriptions per connection; this one holds " + tooMany.held()
                            + " and asked for " + tooMany.adding() + " more"));
            case SubscribeOutcome.Accepted accepted -> store(connection, command.entityCode(), accepted);
        };
    }

    private SubscribeResult store(Connection connection, EntityCode code, SubscribeOutcome.Accepted accepted) {
        if (!accepted.added().isEmpty()) {
            try {
                store.add(connection.id(), connection.user(), code, accepted.added());
            } catch (StorageUnavailableException e) {
                // Keep memory and store in step: what could not be stored is not held.
                connection.unsubscribe(code, accepted.added());
                return reject(connection, ErrorMessage.of(ErrorCode.UNAVAILABLE));
            }
            if (registry.find(connection.id()).isEmpty()) {
                // The server closed the connection meanwhile (token expiry, slow consumer), and its
                // clean-up may have run before these rows were written: take them out again. The
                // clean-up removes the connection from the registry before its rows, so one of the
                // two always sees the other.
                removeQuietly(connection, code, accepted);
                return new SubscribeResult.NotConnected();
            }
        }
        clients.send(connection.id(), new Subscribed(accepted.requested()));
        return new SubscribeResult.Subscribed(accepted.requested());
    }

    private void removeQuietly(Connection connection, EntityCode code, SubscribeOutcome.Accepted accepted) {
        try {
            store.remove(connection.id(), code, accepted.added());
        } catch (StorageUnavailableException e) {
            // The instance removes its rows at its next start or stop; nothing else can be done now.
        }
    }

    private SubscribeResult reject(Connection connection, ErrorMessage error) {
        clients.send(connection.id(), error);
        return new SubscribeResult.Rejected(error.code());
    }
}
