package dev.rtsync.adapters.websocket;

import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.PingUseCase.PingCommand;
import dev.rtsync.application.usecase.RefreshTokenUseCase;
import dev.rtsync.application.usecase.RefreshTokenUseCase.RefreshTokenCommand;
import dev.rtsync.application.usecase.StatusUseCase.StatusCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeTypeCommand;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase.UnsubscribeAllCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeTypeCommand;
import dev.rtsync.domain.ConnectionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;

/**
 * Turns one decoded client message into its use case call. The use cases answer through the
 * {@link ClientChannel}; a use case that throws is logged and answered {@code ERROR INTERNAL_ERROR}.
 * Adding a message to the protocol adds a {@code case} to each switch here (the compiler asks for it).
 */
final class MessageDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(MessageDispatcher.class);

    private final ClientUseCases useCases;
    private final ClientChannel channel;

    MessageDispatcher(ClientUseCases useCases, ClientChannel channel) {
        this.useCases = useCases;
        this.channel = channel;
    }

    void dispatch(ConnectionId id, ClientMessage message) {
        try {
            switch (message) {
                case ClientMessage.Subscribe subscribe ->
                        useCases.subscribe().subscribe(new SubscribeCommand(id, subscribe.entityCode(), subscribe.entityIds()));
                case ClientMessage.Unsubscribe unsubscribe ->
                        useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(id, unsubscribe.entityCode(), unsubscribe.entityIds()));
                case ClientMessage.UnsubscribeAll unsubscribeAll ->
                        useCases.unsubscribeAll().unsubscribeAll(new UnsubscribeAllCommand(id));
                case ClientMessage.Ping ping -> useCases.ping().ping(new PingCommand(id));
                case ClientMessage.TokenRefresh refresh -> {
                    if (useCases.refreshToken().refresh(new RefreshTokenCommand(id, refresh.token()))
                            instanceof RefreshTokenUseCase.RefreshResult.Refused refused) {
                        LOG.info("Connection {} refused a token refresh ({})", id, refused.reason());
                    }
                }
                case ClientMessage.Status status -> useCases.status().status(new StatusCommand(id));
                case ClientMessage.SubscribeType subscribeType ->
                        useCases.subscribe().subscribeToType(new SubscribeTypeCommand(id, subscribeType.entityCode()));
                case ClientMessage.UnsubscribeType unsubscribeType ->
                        useCases.unsubscribe().unsubscribeFromType(new UnsubscribeTypeCommand(id, unsubscribeType.entityCode()));
            }
        } catch (RuntimeException e) {
            LOG.error("Connection {}: handling {} failed", id, message.getClass().getSimpleName(), e);
            channel.send(id, ErrorMessage.of(ErrorCode.INTERNAL_ERROR));
        }
    }

    /**
     * The wire types of the messages that need the database, and so a budget and a turn on
     * {@link FairDatabaseWork}: one list for a parsed message and for a frame not yet parsed.
     */
    private static final Set<String> DATABASE_BOUND_TYPES = Set.of(
            ClientMessage.Subscribe.TYPE, ClientMessage.Unsubscribe.TYPE, ClientMessage.UnsubscribeAll.TYPE,
            ClientMessage.TokenRefresh.TYPE, ClientMessage.SubscribeType.TYPE, ClientMessage.UnsubscribeType.TYPE);

    /** Whether the message needs the database, and so a budget and a turn on {@link FairDatabaseWork}. */
    static boolean isDatabaseBound(ClientMessage message) {
        return DATABASE_BOUND_TYPES.contains(wireType(message));
    }

    /**
     * The database-bound message type named {@code type} on the wire, for a frame not yet parsed:
     * its constant, never the client's string; empty for any other type.
     */
    static Optional<String> databaseBoundType(String type) {
        return DATABASE_BOUND_TYPES.contains(type) ? Optional.of(type.intern()) : Optional.empty();
    }

    /** The message's {@code type} on the wire, for telemetry: never a value the client chose. */
    static String wireType(ClientMessage message) {
        return switch (message) {
            case ClientMessage.Subscribe subscribe -> ClientMessage.Subscribe.TYPE;
            case ClientMessage.Unsubscribe unsubscribe -> ClientMessage.Unsubscribe.TYPE;
            case ClientMessage.UnsubscribeAll unsubscribeAll -> ClientMessage.UnsubscribeAll.TYPE;
            case ClientMessage.Ping ping -> ClientMessage.Ping.TYPE;
            case ClientMessage.Status status -> ClientMessage.Status.TYPE;
            case ClientMessage.TokenRefresh refresh -> ClientMessage.TokenRefresh.TYPE;
            case ClientMessage.SubscribeType subscribeType -> ClientMessage.SubscribeType.TYPE;
            case ClientMessage.UnsubscribeType unsubscribeType -> ClientMessage.UnsubscribeType.TYPE;
        };
    }
}
