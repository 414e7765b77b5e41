package dev.rtsync.domain;

import java.util.Objects;

/**
 * One delivered change of one entity. The version is the change's log sequence: it increases with
 * every change, and the changes of one entity carry increasing versions in commit order, so a
 * client can ignore a version it has already seen.
 */
public record Change(EntityCode entityCode, EntityId entityId, WireAction action, long version) {

    public Change {
        Objects.requireNonNull(entityCode, "entity code");
        Objects.requireNonNull(entityId, "entity id");
        Objects.requireNonNull(action, "action");
        if (version < 1) {
            throw new InvalidValueException("version must be positive");
        }
    }
}
