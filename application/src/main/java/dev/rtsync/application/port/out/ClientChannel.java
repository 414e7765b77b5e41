package dev.rtsync.application.port.out;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ServerMessage;
import dev.rtsync.domain.ConnectionId;

import java.util.Collection;
import java.util.Set;

/**
 * The way to a client. Sending never waits for the client: each connection has a bounded queue,
 * and a connection whose queue overflows is closed as {@link CloseReason#SLOW_CONSUMER}.
 */
public interface ClientChannel {

    /**
     * Queues the message for the connection: an answer, a warning, an error.
     *
     * @return false when the connection is gone or its queue overflowed (it is then being closed)
     */
    boolean send(ConnectionId connection, ServerMessage message);

    /**
     * Queues one message for many connections, as the change watcher does with an INVALIDATE
     * that several connections receive alike. The adapter turns the message into its wire form
     * once for all of them.
     *
     * @return the recipients it could not be queued for: gone, or their queue overflowed (they are
     *         then being closed); empty when every recipient has it queued
     */
    Set<ConnectionId> fanOut(ServerMessage message, Collection<ConnectionId> recipients);

    /** Closes the connection after the messages already queued for it. */
    void close(ConnectionId connection, CloseReason reason);
}
