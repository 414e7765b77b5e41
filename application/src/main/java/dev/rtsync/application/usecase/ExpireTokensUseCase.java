package dev.rtsync.application.usecase;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.domain.Connection;

import java.time.Clock;
import java.time.Instant;

/**
 * Run every second or so: a connection whose token expired unrefreshed is told TOKEN_EXPIRED,
 * forgotten and closed, by the same path as every close the server decides ({@link ConnectionCloser}).
 * The warning before it is {@link WarnExpiringTokensUseCase}.
 */
public final class ExpireTokensUseCase {

    /** @param expired connections closed */
    public record ExpiryReport(int expired) {
    }

    private final ConnectionRegistry registry;
    private final ConnectionCloser closer;
    private final Clock clock;

    public ExpireTokensUseCase(ConnectionRegistry registry, ConnectionCloser closer, Clock clock) {
        this.registry = registry;
        this.closer = closer;
        this.clock = clock;
    }

    public ExpiryReport expire() {
        Instant now = clock.instant();
        int expired = 0;
        for (Connection connection : registry.all()) {
            if (connection.isExpired(now)) {
                closer.refuse(connection.id(), ErrorMessage.of(ErrorCode.TOKEN_EXPIRED), CloseReason.TOKEN_EXPIRED);
                expired++;
            }
        }
        return new ExpiryReport(expired);
    }
}
