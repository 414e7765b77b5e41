package dev.rtsync.application.fake;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ServerMessage;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.domain.ConnectionId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ClientChannel} that records what each connection was sent and why it was closed, so
 * tests assert on exact messages instead of on mocks. A connection can be made to refuse
 * messages, as one with an overflowing queue does. Each {@link #fanOut} is also recorded as one,
 * so a test can tell one message to many from many messages.
 */
public final class RecordingClientChannel implements ClientChannel {

    /** One call of {@link #fanOut}: the message and every recipient it was asked for. */
    public record FanOut(ServerMessage message, List<ConnectionId> recipients) {
    }

    private final Map<ConnectionId, List<ServerMessage>> sent = new HashMap<>();
    private final Map<ConnectionId, CloseReason> closed = new HashMap<>();
    private final Set<ConnectionId> refusing = new HashSet<>();
    private final List<FanOut> fanOuts = new ArrayList<>();

    @Override
    public synchronized Set<ConnectionId> fanOut(ServerMessage message, Collection<ConnectionId> recipients) {
        fanOuts.add(new FanOut(message, List.copyOf(recipients)));
        Set<ConnectionId> refused = new LinkedHashSet<>();
        for (ConnectionId recipient : recipients) {
            if (!send(recipient, message)) {
                refused.add(recipient);
            }
        }
        return refused;
    }

    @Override
    public synchronized boolean send(ConnectionId connection, ServerMessage message) {
        if (refusing.contains(connection) || closed.containsKey(connection)) {
            return false;
        }
        sent.computeIfAbsent(connection, id -> new ArrayList<>()).add(message);
        return true;
    }

    @Override
    public synchronized void close(ConnectionId connection, CloseReason reason) {
        closed.putIfAbsent(connection, reason);
    }

    /** Every message sent to the connection, oldest first. */
    public synchronized List<ServerMessage> messagesTo(ConnectionId connection) {
        return List.copyOf(sent.getOrDefault(connection, List.of()));
    }

    /** The messages of one type sent to the connection, oldest first. */
    public synchronized <T extends ServerMessage> List<T> messagesTo(ConnectionId connection, Class<T> type) {
        return sent.getOrDefault(connection, List.of()).stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Every fan-out, oldest first. */
    public synchronized List<FanOut> fanOuts() {
        return List.copyOf(fanOuts);
    }

    /** Forgets what was sent so far, so a test can assert on what follows. */
    public synchronized void clear() {
        sent.clear();
        fanOuts.clear();
    }

    public synchronized Optional<CloseReason> closeReasonOf(ConnectionId connection) {
        return Optional.ofNullable(closed.get(connection));
    }

    /** From now on the connection refuses messages, as one whose queue overflowed. */
    public synchronized void refuseMessagesTo(ConnectionId connection) {
        refusing.add(connection);
    }
}
