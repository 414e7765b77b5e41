package dev.rtsync.application.usecase;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.TokenRefreshOutcome;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A client replaces its token before it expires. A valid token of the same user moves the
 * connection's expiry (no answer, as in the design); an invalid token, or one of another user,
 * is an authentication failure: ERROR, then close.
 */
public final class RefreshTokenUseCase {

    /** A TOKEN_REFRESH; its {@code toString} leaves the token out, so it can be logged. */
    public record RefreshTokenCommand(ConnectionId connection, String token) {
        public RefreshTokenCommand {
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "RefreshTokenCommand[" + connection + "]"; // never the token
        }
    }

    /** How a TOKEN_REFRESH ended. */
    public sealed interface RefreshResult {
        /** The connection's token now expires at {@code expiresAt}; nothing was sent. */
        record Refreshed(Instant expiresAt) implements RefreshResult {
        }

        /** The token was invalid or another user's: the client got AUTH_FAILED and is being closed. */
        record Refused(String reason) implements RefreshResult {
        }

        /** The connection closed before its message was handled; nothing was sent. */
        record NotConnected() implements RefreshResult {
        }
    }

    private final TokenVerifier tokens;
    private final ConnectionRegistry registry;
    private final ConnectionCloser closer;

    public RefreshTokenUseCase(TokenVerifier tokens, ConnectionRegistry registry, ConnectionCloser closer) {
        this.tokens = tokens;
        this.registry = registry;
        this.closer = closer;
    }

    public RefreshResult refresh(RefreshTokenCommand command) {
        Optional<Connection> found = registry.find(command.connection());
        if (found.isEmpty()) {
            return new RefreshResult.NotConnected();
        }
        Connection connection = found.get();
        return switch (tokens.verify(command.token())) {
            case TokenVerification.Rejected rejected ->
                    refuse(connection, ErrorCode.AUTH_FAILED.defaultMessage(), "Invalid token: " + rejected.reason());
            case TokenVerification.Verified verified ->
                    connection.refreshToken(verified.user(), verified.expiresAt()) == TokenRefreshOutcome.REFRESHED
                            ? new RefreshResult.Refreshed(verified.expiresAt())
                            : refuse(connection, "Token belongs to another user", "Token belongs to another user");
        };
    }

    /** @param toClient a fixed text: why a token was refused (expired, bad signature…) is for the log, not the sender */
    private RefreshResult refuse(Connection connection, String toClient, String reason) {
        closer.refuse(connection.id(), new ErrorMessage(ErrorCode.AUTH_FAILED, toClient), CloseReason.AUTH_FAILED);
        return new RefreshResult.Refused(reason);
    }
}
