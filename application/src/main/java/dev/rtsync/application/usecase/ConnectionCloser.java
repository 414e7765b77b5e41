package dev.rtsync.application.usecase;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;

import java.util.Optional;

/**
 * How a connection ends, whoever ends it. The one path for every close the server decides (a
 * refused token at connect or at refresh, an expired token, an instance declared dead): tell the
 * client why, forget the connection, close it. Forgetting comes before closing, so that whoever
 * sees the close sees the connection gone; a client that closes its side is only forgotten.
 */
public final class ConnectionCloser {

    private final ConnectionRegistry registry;
    private final StoredSubscriptions stored;
    private final ClientChannel clients;

    public ConnectionCloser(ConnectionRegistry registry, StoredSubscriptions stored, ClientChannel clients) {
        this.registry = registry;
        this.stored = stored;
        this.clients = clients;
    }

    /** Sends the ERROR that says why, forgets the connection if it was admitted, and closes it. */
    void refuse(ConnectionId connection, ErrorMessage why, CloseReason reason) {
        clients.send(connection, why);
        close(connection, reason);
    }

    /** Forgets the connection and closes it, without a message (the close code says why). */
    void close(ConnectionId connection, CloseReason reason) {
        forget(connection);
        clients.close(connection, reason);
    }

    /**
     * Removes the connection and its subscriptions, from memory and then from the store; returns
     * what it held, or empty when it was not open (a second close is harmless).
     */
    Optional<Forgotten> forget(ConnectionId id) {
        return registry.remove(id).map(connection -> {
            int subscriptions = connection.unsubscribeEverything();
            stored.forgetClosed(connection.id());
            return new Forgotten(connection, subscriptions);
        });
    }

    /** A connection that was open, and how many subscriptions it held. */
    record Forgotten(Connection connection, int subscriptions) {
    }
}
