package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ServerMessage.TokenExpiringSoon;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.domain.Connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Run every second or so: tells each connection once per token, with TOKEN_EXPIRING_SOON, that its
 * token expires within the window, so that the client refreshes it in time.
 *
 * <p>Closing the connections whose token expired is {@link ExpireTokensUseCase}, a use case of its
 * own: one sends a message and changes nothing, the other forgets and closes, and each is tested
 * alone. The timer runs the expiry first, so no connection is warned in the round that closes it
 * (a token already expired is never warned about either way: {@link Connection#takeExpiryWarning}).
 */
public final class WarnExpiringTokensUseCase {

    /** @param warned connections told TOKEN_EXPIRING_SOON */
    public record WarningReport(int warned) {
    }

    private final ConnectionRegistry registry;
    private final ClientChannel clients;
    private final Clock clock;
    private final Duration window;

    public WarnExpiringTokensUseCase(ConnectionRegistry registry, ClientChannel clients, Clock clock, Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the warning window cannot be negative");
        }
        this.registry = registry;
        this.clients = clients;
        this.clock = clock;
        this.window = window;
    }

    public WarningReport warn() {
        Instant now = clock.instant();
        int warned = 0;
        for (Connection connection : registry.all()) {
            OptionalLong secondsLeft = connection.takeExpiryWarning(now, window);
            if (secondsLeft.isPresent()) {
                clients.send(connection.id(), new TokenExpiringSoon(secondsLeft.getAsLong()));
                warned++;
            }
        }
        return new WarningReport(warned);
    }
}
