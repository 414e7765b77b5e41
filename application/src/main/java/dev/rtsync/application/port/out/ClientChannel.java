package dev.rtsync.application.port.out;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ServerMessage;
import dev.rtsync.domain.ConnectionId;

/**
 * The way to a client. Sending never waits for the client: each connection has a bounded queue,
 * and a connection whose queue overflows is closed as {@link CloseReason#SLOW_CONSUMER}.
 */
public interface ClientChannel {

    /**
     * Queues the message for the connection. A caller that sends one message to many connections
     * passes the same instance to each (the change watcher does, for an INVALIDATE that many
     * connections receive alike), so an adapter may encode it once for all of them.
     *
     * @return false when the connection is gone or its queue overflowed (it is then being closed)
     */
    boolean send(ConnectionId connection, ServerMessage message);

    /** Closes the connection after the messages already queued for it. */
    void close(ConnectionId connection, CloseReason reason);
}
