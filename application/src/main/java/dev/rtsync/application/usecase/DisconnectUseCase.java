package dev.rtsync.application.usecase;

import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;

import java.util.Objects;

/**
 * A connection closed, for whatever reason: its subscriptions go from memory and from the store,
 * and nothing is sent to it again. Closing one of a user's connections leaves the others as they are.
 *
 * <p>When the store cannot be reached, the connection's stored rows are remembered and removed by
 * {@link #retryFailedRemovals()} once it can ({@link StoredSubscriptions}): stale rows never reach
 * a client (delivery checks the open connections), but they must not pile up.
 */
public final class DisconnectUseCase {

    /** The connection whose socket closed, for whatever reason. */
    public record DisconnectCommand(ConnectionId connection) {
        public DisconnectCommand {
            Objects.requireNonNull(connection, "connection");
        }
    }

    /** How a close ended: what the transport logs. */
    public sealed interface DisconnectResult {
        /** The connection was open and is forgotten; @param subscriptions how many it held */
        record Disconnected(UserId user, int subscriptions) implements DisconnectResult {
        }

        /** The connection was not open: never admitted, or already forgotten (a second close is harmless). */
        record NotConnected() implements DisconnectResult {
        }
    }

    /** @param stillUnremoved closed connections whose stored rows are still to be removed */
    public record RetryReport(int stillUnremoved) {
    }

    private final ConnectionCloser closer;
    private final StoredSubscriptions stored;

    public DisconnectUseCase(ConnectionCloser closer, StoredSubscriptions stored) {
        this.closer = closer;
        this.stored = stored;
    }

    public DisconnectResult disconnect(DisconnectCommand command) {
        return closer.forget(command.connection())
                .<DisconnectResult>map(gone -> new DisconnectResult.Disconnected(gone.connection().user(), gone.subscriptions()))
                .orElseGet(DisconnectResult.NotConnected::new);
    }

    /**
     * Removes the stored rows of connections that closed while the store was unreachable. Cheap
     * when there are none; run it periodically.
     */
    public RetryReport retryFailedRemovals() {
        return new RetryReport(stored.retryFailedRemovals());
    }
}
