package dev.rtsync.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One writable field of an entity: its JSON name, its column, and the rule a value must meet.
 * The column names come from this code only, never from a request, so SQL built from them is safe.
 */
record Field(String name, String column, Kind kind, boolean required, int maxLength, int min, int max, List<String> allowed) {

    /** How a field is written in JSON and stored in PostgreSQL. */
    enum Kind {
        TEXT("text"), DATE("date"), UUID("uuid"), INTEGER("integer"), BOOLEAN("boolean");

        final String sqlType;

        Kind(String sqlType) {
            this.sqlType = sqlType;
        }
    }

    Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(kind, "kind");
        allowed = List.copyOf(allowed);
    }

    static Field text(String name, String column, boolean required, int maxLength) {
        return new Field(name, column, Kind.TEXT, required, maxLength, 0, 0, List.of());
    }

    static Field oneOf(String name, String column, String... allowed) {
        return new Field(name, column, Kind.TEXT, false, 50, 0, 0, List.of(allowed));
    }

    static Field date(String name, String column) {
        return new Field(name, column, Kind.DATE, false, 0, 0, 0, List.of());
    }

    static Field uuid(String name, String column) {
        return new Field(name, column, Kind.UUID, false, 0, 0, 0, List.of());
    }

    static Field integer(String name, String column, int min, int max) {
        return new Field(name, column, Kind.INTEGER, false, 0, min, max, List.of());
    }

    static Field bool(String name, String column) {
        return new Field(name, column, Kind.BOOLEAN, false, 0, 0, 0, List.of());
    }

    /**
     * The value as the database takes it, or null for a JSON null (refused for a required field).
     *
     * @throws BadRequestException naming the field and what it must be
     */
    Object parse(JsonNode value) {
        if (value == null || value.isNull()) {
            if (required) {
                throw new BadRequestException("\"" + name + "\" is required and may not be null");
            }
            return null;
        }
        return switch (kind) {
            case TEXT -> {
                if (!value.isTextual()) {
                    throw new BadRequestException("\"" + name + "\" must be a string");
                }
                String text = value.textValue().strip();
                if (required && text.isEmpty()) {
                    throw new BadRequestException("\"" + name + "\" must not be empty");
                }
                if (!allowed.isEmpty() && !allowed.contains(text)) {
                    throw new BadRequestException("\"" + name + "\" must be one of " + String.join(", ", allowed) + "; got \"" + shorten(text) + "\"");
                }
                if (maxLength > 0 && text.length() > maxLength) {
                    throw new BadRequestException("\"" + name + "\" must be at most " + maxLength + " characters; got " + text.length());
                }
                if (name.equals("email") && !text.isEmpty() && !text.contains("@")) {
                    throw new BadRequestException("\"email\" must be an e-mail address such as ada@example.com");
                }
                yield text;
            }
            case DATE -> {
                try {
                    yield LocalDate.parse(value.asText());
                } catch (DateTimeParseException e) {
                    throw new BadRequestException("\"" + name + "\" must be a date as YYYY-MM-DD; got \"" + shorten(value.asText()) + "\"");
                }
            }
            case UUID -> parseUuid(name, value.isTextual() ? value.textValue() : value.toString());
            case INTEGER -> {
                if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
                    throw new BadRequestException("\"" + name + "\" must be a whole number from " + min + " to " + max);
                }
                yield value.intValue();
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw new BadRequestException("\"" + name + "\" must be true or false");
                }
                yield value.booleanValue();
            }
        };
    }

    /** Parses a query parameter of this field, for list filters. */
    Object parseText(String text) {
        return switch (kind) {
            case UUID -> parseUuid(name, text);
            case BOOLEAN -> switch (text) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new BadRequestException("\"" + name + "\" must be true or false");
            };
            default -> parse(com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
        };
    }

    static UUID parseUuid(String name, String text) {
        try {
            UUID parsed = UUID.fromString(text);
            if (parsed.toString().equalsIgnoreCase(text)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // the message below says what is expected
        }
        throw new BadRequestException("\"" + name + "\" must be a UUID such as 550e8400-e29b-41d4-a716-446655440001; got \""
                + shorten(text) + "\"");
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
