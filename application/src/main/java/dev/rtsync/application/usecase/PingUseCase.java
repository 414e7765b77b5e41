package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ServerMessage.Pong;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.domain.ConnectionId;

import java.util.Objects;

/** The client's heartbeat, every 30 s in the design; answered PONG on the connection's own queue. */
public final class PingUseCase {

    /** The connection that sent PING. */
    public record PingCommand(ConnectionId connection) {
        public PingCommand {
            Objects.requireNonNull(connection, "connection");
        }
    }

    /** How a PING ended. */
    public sealed interface PingResult {
        /** A PONG was queued. */
        record Ponged() implements PingResult {
        }

        /** The connection is no longer open, or is being cut off (its queue took no PONG); nothing was sent. */
        record NotConnected() implements PingResult {
        }
    }

    private final ConnectionRegistry registry;
    private final ClientChannel clients;

    public PingUseCase(ConnectionRegistry registry, ClientChannel clients) {
        this.registry = registry;
        this.clients = clients;
    }

    public PingResult ping(PingCommand command) {
        boolean queued = registry.find(command.connection()).isPresent() && clients.send(command.connection(), new Pong());
        return queued ? new PingResult.Ponged() : new PingResult.NotConnected();
    }
}
