package dev.rtsync.domain;

import java.util.regex.Pattern;

/**
 * An entity type, such as {@code project} or {@code task}: the first argument of the
 * {@code app.log_entity_change()} trigger. Lower case, starts with a letter, letters, digits and
 * underscores, at most {@value #MAX_LENGTH} characters (the width of the column that stores it).
 */
public record EntityCode(String value) {

    public static final int MAX_LENGTH = 100;
    private static final Pattern FORM = Pattern.compile("[a-z][a-z0-9_]*");

    public EntityCode {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !FORM.matcher(value).matches()) {
            throw new InvalidValueException("entity code must be 1 to " + MAX_LENGTH
                    + " characters of a-z, 0-9 and _, starting with a letter, such as project");
        }
    }

    public static EntityCode of(String value) {
        return new EntityCode(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
