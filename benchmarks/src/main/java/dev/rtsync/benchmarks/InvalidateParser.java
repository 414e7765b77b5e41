package dev.rtsync.benchmarks;

import java.util.function.ObjLongConsumer;

/**
 * Reads just enough of a server message for the measurements: its type and, for an INVALIDATE,
 * each change's entity id and version. No general JSON parser: at 10,000 changes a second on a
 * shared 2-core machine the load tool must not be what limits the service.
 *
 * <p>Relies only on the wire format of the design's section 4.2: string values are JSON strings,
 * {@code version} a JSON number, and no key of interest appears inside a string value (ids are
 * UUIDs, actions are three fixed words).
 */
final class InvalidateParser {

    enum Type { INVALIDATE, SUBSCRIBED, PONG, ERROR, TOKEN_EXPIRING_SOON, OTHER }

    private static final String TYPE_KEY = "\"type\"";
    private static final String ENTITY_ID_KEY = "\"entityId\"";
    private static final String VERSION_KEY = "\"version\"";
    private static final String COUNT_KEY = "\"count\"";

    private InvalidateParser() {
    }

    static Type type(CharSequence message) {
        String value = stringAfter(message, TYPE_KEY, 0);
        if (value == null) {
            return Type.OTHER;
        }
        return switch (value) {
            case "INVALIDATE" -> Type.INVALIDATE;
            case "SUBSCRIBED" -> Type.SUBSCRIBED;
            case "PONG" -> Type.PONG;
            case "ERROR" -> Type.ERROR;
            case "TOKEN_EXPIRING_SOON" -> Type.TOKEN_EXPIRING_SOON;
            default -> Type.OTHER;
        };
    }

    /**
     * Calls {@code change} with (entity id, version) for every change of an INVALIDATE, in message
     * order, and returns how many there were. A change without a version is reported as -1.
     */
    static int forEachChange(CharSequence message, ObjLongConsumer<String> change) {
        String text = message.toString();
        int count = 0;
        int at = text.indexOf(ENTITY_ID_KEY);
        while (at >= 0) {
            // A change is a flat object: its version lies between the braces around its entityId.
            int objectStart = text.lastIndexOf('{', at);
            int objectEnd = text.indexOf('}', at);
            if (objectEnd < 0) {
                objectEnd = text.length();
            }
            int versionAt = text.indexOf(VERSION_KEY, objectStart);
            long version = versionAt >= 0 && versionAt < objectEnd
                    ? numberAfter(text, versionAt + VERSION_KEY.length()) : -1;
            String entityId = stringAfter(text, ENTITY_ID_KEY, at);
            if (entityId != null) {
                change.accept(entityId, version);
                count++;
            }
            at = text.indexOf(ENTITY_ID_KEY, objectEnd);
        }
        return count;
    }

    /** The {@code count} of a SUBSCRIBED, or -1. */
    static long subscribedCount(CharSequence message) {
        String text = message.toString();
        int at = text.indexOf(COUNT_KEY);
        return at < 0 ? -1 : numberAfter(text, at + COUNT_KEY.length());
    }

    /** The string value that follows {@code key} at or after {@code from}, or null. */
    private static String stringAfter(CharSequence text, String key, int from) {
        String s = text.toString();
        int at = s.indexOf(key, from);
        if (at < 0) {
            return null;
        }
        int i = skipColon(s, at + key.length());
        if (i < 0 || i >= s.length() || s.charAt(i) != '"') {
            return null;
        }
        int close = s.indexOf('"', i + 1);
        return close < 0 ? null : s.substring(i + 1, close);
    }

    private static long numberAfter(String s, int from) {
        int i = skipColon(s, from);
        if (i < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && digits < 19) {
            value = value * 10 + (s.charAt(i) - '0');
            i++;
            digits++;
        }
        return digits == 0 ? -1 : value;
    }

    private static int skipColon(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i >= s.length() || s.charAt(i) != ':') {
            return -1;
        }
        i++;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
