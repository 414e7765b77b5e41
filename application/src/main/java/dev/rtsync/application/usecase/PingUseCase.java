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

    private final ConnectionRegistry registry;
    private final ClientChannel clients;

    public PingUseCase(ConnectionRegistry registry, ClientChannel clients) {
        this.registry = registry;
        this.clients = clients;
    }

    /** Returns whether a PONG was queued (false when the connection is no longer open). */
    public boolean ping(PingCommand command) {
        return registry.find(command.connection()).isPresent() && clients.send(command.connection(), new Pong());
    }
}
