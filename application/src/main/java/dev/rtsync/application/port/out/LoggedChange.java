package dev.rtsync.application.port.out;

import dev.rtsync.domain.Change;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the change log together with this instance's connections that watch its entity.
 *
 * @param sequence    the row's position in the log; it is the change's version
 * @param loggedAt    when the row was written (for lag measurement)
 * @param subscribers this instance's connections subscribed to the entity when the row was read
 */
public record LoggedChange(long sequence, EntityCode entityCode, EntityId entityId, ChangeAction action,
                           Instant loggedAt, Set<ConnectionId> subscribers) {

    public LoggedChange {
        Objects.requireNonNull(entityCode, "entity code");
        Objects.requireNonNull(entityId, "entity id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(loggedAt, "logged at");
        subscribers = Set.copyOf(subscribers);
    }

    /** The change a client is told of, or empty for a VIEW. */
    public Optional<Change> toChange() {
        return action.wireAction().map(wire -> new Change(entityCode, entityId, wire, sequence));
    }
}
