package dev.rtsync.domain;

import java.util.Objects;

/** One row of {@code app.rxdb_subscription}: this connection of this user watches this entity. */
public record Subscription(ConnectionId connection, UserId user, EntityCode entityCode, EntityId entityId) {

    public Subscription {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(entityCode, "entity code");
        Objects.requireNonNull(entityId, "entity id");
    }
}
