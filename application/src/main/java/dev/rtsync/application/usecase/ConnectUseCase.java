package dev.rtsync.application.usecase;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * A client opens a connection with its token. A rejected client is told why with an ERROR and
 * closed; nothing of it is kept.
 */
public final class ConnectUseCase {

    /** @param token the token as the client sent it; empty when it sent none */
    public record ConnectCommand(ConnectionId connection, String token) {
        public ConnectCommand {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "ConnectCommand[" + connection + "]"; // never the token
        }
    }

    /** How a connection attempt ended; the transport logs it, and the client was already told. */
    public sealed interface ConnectResult {
        /** The token was valid and the limits allowed it: the connection of this user is registered. */
        record Connected(UserId user, Instant tokenExpiresAt) implements ConnectResult {
        }

        /** The client was sent ERROR with this code and is being closed; {@code reason} is safe to log. */
        record Refused(ErrorCode code, String reason) implements ConnectResult {
        }
    }

    private final TokenVerifier tokens;
    private final ConnectionRegistry registry;
    private final ConnectionCloser closer;
    private final Clock clock;

    public ConnectUseCase(TokenVerifier tokens, ConnectionRegistry registry, ConnectionCloser closer, Clock clock) {
        this.tokens = tokens;
        this.registry = registry;
        this.closer = closer;
        this.clock = clock;
    }

    public ConnectResult connect(ConnectCommand command) {
        if (command.token().isBlank()) {
            return refuse(command.connection(), ErrorCode.AUTH_FAILED, "Missing token", "Missing token", CloseReason.AUTH_FAILED);
        }
        return switch (tokens.verify(command.token())) {
            // The client learns only that the token was refused; why (expired, bad signature…) goes to the log.
            case TokenVerification.Rejected rejected -> refuse(command.connection(), ErrorCode.AUTH_FAILED,
                    ErrorCode.AUTH_FAILED.defaultMessage(), "Invalid token: " + rejected.reason(), CloseReason.AUTH_FAILED);
            case TokenVerification.Verified verified -> admit(command.connection(), verified);
        };
    }

    private ConnectResult admit(ConnectionId id, TokenVerification.Verified token) {
        Connection connection = new Connection(id, token.user(), clock.instant(), token.expiresAt(), registry.subscriptions());
        return switch (registry.register(connection)) {
            case ADMITTED -> new ConnectResult.Connected(connection.user(), connection.tokenExpiresAt());
            case TOO_MANY_FOR_USER -> refuse(id, ErrorCode.TOO_MANY_CONNECTIONS,
                    "Too many connections for this user", "Too many connections for this user", CloseReason.TOO_MANY_CONNECTIONS);
            case TOO_MANY_IN_TOTAL -> refuse(id, ErrorCode.TOO_MANY_CONNECTIONS, "Server is at its connection limit, retry later",
                    "Server is at its connection limit, retry later", CloseReason.TOO_MANY_CONNECTIONS);
        };
    }

    private ConnectResult refuse(ConnectionId id, ErrorCode code, String toClient, String reason, CloseReason closeReason) {
        closer.refuse(id, new ErrorMessage(code, toClient), closeReason); // never admitted: nothing to forget
        return new ConnectResult.Refused(code, reason);
    }
}
