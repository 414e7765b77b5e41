package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ServerMessage.StatusReport;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection asks how the server sees it (an rtsync addition to the design's protocol): it is
 * answered STATUS_REPORT on its own queue, with its subscription count and its token's remaining
 * life, so a client or a developer can check both without reading the server's logs.
 */
public final class StatusUseCase {

    /** The connection that sent STATUS. */
    public record StatusCommand(ConnectionId connection) {
        public StatusCommand {
            Objects.requireNonNull(connection, "connection");
        }
    }

    private final ConnectionRegistry registry;
    private final ClientChannel clients;
    private final Clock clock;

    public StatusUseCase(ConnectionRegistry registry, ClientChannel clients, Clock clock) {
        this.registry = registry;
        this.clients = clients;
        this.clock = clock;
    }

    /** Returns the report that was queued; empty when the connection is no longer open. */
    public Optional<StatusReport> status(StatusCommand command) {
        return registry.find(command.connection()).map(connection -> {
            StatusReport report = reportOn(connection);
            clients.send(connection.id(), report);
            return report;
        });
    }

    private StatusReport reportOn(Connection connection) {
        Duration left = Duration.between(clock.instant(), connection.tokenExpiresAt());
        return new StatusReport(connection.id(), connection.subscriptionCount(),
                left.isNegative() ? 0 : WarnExpiringTokensUseCase.wholeSecondsRoundedUp(left));
    }
}
