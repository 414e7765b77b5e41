package dev.rtsync.domain;

import java.util.Objects;
import java.util.UUID;

/** One entity instance, such as one project row: the {@code id} UUID of its table. */
public record EntityId(UUID value) {

    public EntityId {
        Objects.requireNonNull(value, "entity id");
    }

    /** Parses the canonical UUID form, rejecting anything else with {@link InvalidValueException}. */
    public static EntityId parse(String text) {
        return new EntityId(Uuids.parse("entity id", text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
