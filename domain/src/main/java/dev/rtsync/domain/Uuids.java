package dev.rtsync.domain;

import java.util.UUID;
import java.util.regex.Pattern;

/** Strict UUID parsing: {@link UUID#fromString} accepts shortened forms such as {@code 1-1-1-1-1}. */
final class Uuids {

    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Uuids() {
    }

    static UUID parse(String what, String text) {
        if (text == null || !CANONICAL.matcher(text).matches()) {
            throw new InvalidValueException(what + " must be a UUID such as 550e8400-e29b-41d4-a716-446655440001");
        }
        return UUID.fromString(text);
    }
}
