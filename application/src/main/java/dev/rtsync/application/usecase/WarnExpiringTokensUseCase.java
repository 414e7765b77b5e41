package dev.rtsync.application.usecase;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.message.ServerMessage.TokenExpiringSoon;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.domain.Connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Run every second or so: warns each connection once per token when its token expires within
 * the window, and closes connections whose token expired unrefreshed with TOKEN_EXPIRED.
 */
public final class WarnExpiringTokensUseCase {

    /** @param warned connections told TOKEN_EXPIRING_SOON; @param expired connections closed */
    public record ExpiryReport(int warned, int expired) {
    }

    private final ConnectionRegistry registry;
    private final ClientChannel clients;
    private final DisconnectUseCase disconnect;
    private final Clock clock;
    private final Duration window;

    public WarnExpiringTokensUseCase(ConnectionRegistry registry, ClientChannel clients, DisconnectUseCase disconnect,
                                     Clock clock, Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the warning window cannot be negative");
        }
        this.registry = registry;
        this.clients = clients;
        this.disconnect = disconnect;
        this.clock = clock;
        this.window = window;
    }

    public ExpiryReport warnAndExpire() {
        Instant now = clock.instant();
        int warned = 0;
        int expired = 0;
        for (Connection connection : registry.all()) {
            if (connection.isExpired(now)) {
                clients.send(connection.id(), ErrorMessage.of(ErrorCode.TOKEN_EXPIRED));
                disconnect.disconnect(new DisconnectUseCase.DisconnectCommand(connection.id()));
                clients.close(connection.id(), CloseReason.TOKEN_EXPIRED);
                expired++;
                continue;
            }
            Optional<Duration> left = connection.takeExpiryWarning(now, window);
            if (left.isPresent()) {
                clients.send(connection.id(), new TokenExpiringSoon(wholeSecondsRoundedUp(left.get())));
                warned++;
            }
        }
        return new ExpiryReport(warned, expired);
    }

    static long wholeSecondsRoundedUp(Duration left) {
        long seconds = left.toSeconds();
        return left.minusSeconds(seconds).isZero() ? seconds : seconds + 1;
    }
}
