package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ServerMessage.StatusReport;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.domain.ConnectionId;

import java.time.Clock;
import java.util.Objects;

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

    /** How a STATUS ended. */
    public sealed interface StatusResult {
        /** A STATUS_REPORT with these figures was queued. */
        record Reported(int subscriptions, long tokenExpiresInSeconds) implements StatusResult {
        }

        /** The connection is no longer open; nothing was sent. */
        record NotConnected() implements StatusResult {
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

    public StatusResult status(StatusCommand command) {
        return registry.find(command.connection()).<StatusResult>map(connection -> {
            int subscriptions = connection.subscriptionCount();
            long expiresIn = connection.tokenExpiresInSeconds(clock.instant());
            clients.send(connection.id(), new StatusReport(connection.id(), subscriptions, expiresIn));
            return new StatusResult.Reported(subscriptions, expiresIn);
        }).orElseGet(StatusResult.NotConnected::new);
    }
}
