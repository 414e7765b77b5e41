package dev.rtsync.domain;

import java.util.Objects;
import java.util.UUID;

/** The user a token was issued to: the {@code sub} claim of the REST API's JWT, a UUID. */
public record UserId(UUID value) {

    public UserId {
        Objects.requireNonNull(value, "user id");
    }

    /** Parses the canonical UUID form, rejecting anything else with {@link InvalidValueException}. */
    public static UserId parse(String text) {
        return new UserId(Uuids.parse("user id", text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
