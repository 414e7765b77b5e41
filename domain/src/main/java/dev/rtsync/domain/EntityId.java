package dev.rtsync.domain;

import java.util.Objects;
import java.util.UUID;

/**
 * One entity instance, such as one project row: the {@code id} UUID of its table. The nil UUID is
 * reserved: {@link #EVERY} stands for every entity of a code, in a subscription to a whole type.
 */
public record EntityId(UUID value) {

    /** Every entity of a code: the id a subscription to a whole entity type holds (the nil UUID). */
    public static final EntityId EVERY = new EntityId(new UUID(0L, 0L));

    public EntityId {
        Objects.requireNonNull(value, "entity id");
    }

    /** Parses the canonical UUID form, rejecting anything else with {@link InvalidValueException}. */
    public static EntityId parse(String text) {
        return new EntityId(Uuids.parse("entity id", text));
    }

    /** Whether this is {@link #EVERY}, which no client may name as an entity. */
    public boolean isEvery() {
        return equals(EVERY);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
