package dev.rtsync.domain;

import java.util.regex.Pattern;

/**
 * One WebSocket connection, unique across every rtsync instance that shares a database (the
 * transport adapter chooses it, for example a random UUID). At most {@value #MAX_LENGTH}
 * characters of letters, digits, {@code -}, {@code _}, {@code .} and {@code :}, the width of
 * {@code app.rxdb_subscription.connection_id}.
 */
public record ConnectionId(String value) {

    public static final int MAX_LENGTH = 50;
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9._:-]+");

    public ConnectionId {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !FORM.matcher(value).matches()) {
            throw new InvalidValueException("connection id must be 1 to " + MAX_LENGTH
                    + " characters of letters, digits, '-', '_', '.' and ':'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
