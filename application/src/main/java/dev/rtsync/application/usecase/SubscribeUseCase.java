package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.message.ServerMessage.Subscribed;
import dev.rtsync.application.message.ServerMessage.TypeSubscribed;
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
import dev.rtsync.domain.TypeSubscriptionPolicy;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A connection starts watching entities, by id (SUBSCRIBE, answered SUBSCRIBED) or every entity of
 * a code (SUBSCRIBE_TYPE, answered TYPE_SUBSCRIBED), or is answered ERROR.
 */
public final class SubscribeUseCase {

    /** A SUBSCRIBE, already decoded into domain values; duplicate ids count once. */
    public record SubscribeCommand(ConnectionId connection, EntityCode entityCode, List<EntityId> entityIds) {
        public SubscribeCommand {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(entityCode, "entity code");
            entityIds = List.copyOf(entityIds);
        }
    }

    /**
     * A SUBSCRIBE_TYPE: watch every entity of the code, those created later included. It is held
     * as one subscription to {@link EntityId#EVERY}.
     */
    public record SubscribeTypeCommand(ConnectionId connection, EntityCode entityCode) {
        public SubscribeTypeCommand {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(entityCode, "entity code");
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
    private final TypeSubscriptionPolicy typeSubscriptions;

    /** A use case that refuses every SUBSCRIBE_TYPE. */
    public SubscribeUseCase(ConnectionRegistry registry, SubscriptionStore store, ClientChannel clients,
                            SubscriptionLimits limits, EntityCatalog catalog) {
        this(registry, store, clients, limits, catalog, TypeSubscriptionPolicy.NONE);
    }

    public SubscribeUseCase(ConnectionRegistry registry, SubscriptionStore store, ClientChannel clients,
                            SubscriptionLimits limits, EntityCatalog catalog, TypeSubscriptionPolicy typeSubscriptions) {
        this.registry = registry;
        this.store = store;
        this.clients = clients;
        this.limits = limits;
        this.catalog = catalog;
        this.typeSubscriptions = Objects.requireNonNull(typeSubscriptions, "type subscription policy");
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
                    tooManySubscriptions(tooMany)));
            case SubscribeOutcome.Accepted accepted ->
                    store(connection, command.entityCode(), accepted, new Subscribed(accepted.requested()));
        };
    }

    /**
     * Watches every entity of the code, when the policy allows the code; counts as one
     * subscription. {@link SubscribeResult.Subscribed} then carries 1.
     */
    public SubscribeResult subscribeToType(SubscribeTypeCommand command) {
        Connection connection = registry.find(command.connection()).orElse(null);
        if (connection == null) {
            return new SubscribeResult.NotConnected();
        }
        EntityCode code = command.entityCode();
        if (!catalog.accepts(code)) {
            return reject(connection, new ErrorMessage(ErrorCode.UNKNOWN_ENTITY_CODE, "Unknown entity code: " + code));
        }
        if (!typeSubscriptions.allows(code)) {
            return reject(connection, new ErrorMessage(ErrorCode.TYPE_SUBSCRIPTION_NOT_ALLOWED,
                    "Subscriptions to every " + code + " are not allowed on this server" + allowedCodes()));
        }
        return switch (connection.subscribe(code, List.of(EntityId.EVERY), limits)) {
            case SubscribeOutcome.TooManyIds tooMany -> throw new IllegalStateException("one id exceeds no limit: " + tooMany);
            case SubscribeOutcome.TooManySubscriptions tooMany -> reject(connection, new ErrorMessage(ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                    tooManySubscriptions(tooMany)));
            case SubscribeOutcome.Accepted accepted -> store(connection, code, accepted, new TypeSubscribed(code));
        };
    }

    /** Names the cap, so that a client (and its developer) can tell its own excess from a full server. */
    private static String tooManySubscriptions(SubscribeOutcome.TooManySubscriptions tooMany) {
        return switch (tooMany.cap()) {
            case CONNECTION -> "At most " + tooMany.max() + " subscriptions per connection; this one holds "
                    + tooMany.held() + " and asked for " + tooMany.adding() + " more";
            case USER -> "At most " + tooMany.max() + " subscriptions per user on this server, across the user's"
                    + " connections; this user holds " + tooMany.held() + " and asked for " + tooMany.adding() + " more";
            case INSTANCE -> "At most " + tooMany.max() + " subscriptions on this server, all users together; it holds "
                    + tooMany.held() + " and this connection asked for " + tooMany.adding() + " more";
        };
    }

    private String allowedCodes() {
        if (typeSubscriptions.codes().isEmpty()) {
            return "";
        }
        return "; allowed: " + typeSubscriptions.codes().stream().map(EntityCode::value).sorted()
                .collect(Collectors.joining(", "));
    }

    private SubscribeResult store(Connection connection, EntityCode code, SubscribeOutcome.Accepted accepted,
                                  ServerMessage answer) {
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
                // two always sees the other. Forgetting them in memory too gives them back to the
                // user's and the instance's counts, in case the clean-up ran before they were taken.
                connection.unsubscribe(code, accepted.added());
                removeQuietly(connection, code, accepted);
                return new SubscribeResult.NotConnected();
            }
        }
        clients.send(connection.id(), answer);
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
