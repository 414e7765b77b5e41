package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A seeded generator of client frames for property-style tests (jqwik is not used: see
 * docs/reliability.md), and the protocol's verdict on any frame, written from docs/protocol.md
 * rather than from the decoder, so the two can disagree.
 *
 * <p>Frames come in three kinds: arbitrary JSON values, near-valid messages (the right shape with
 * fields of the wrong type, missing, or holding hostile strings), and character-level mutations of
 * valid messages (a code point dropped, duplicated, changed or inserted; the text truncated). All
 * generated text is valid Unicode (mutations work on code points), so it survives UTF-8 on the wire.
 */
final class FuzzFrames {

    /** What the protocol says a frame is: an ERROR with this code, or this message. */
    sealed interface Verdict {
        record Error(ErrorCode code) implements Verdict {
        }

        record Accept(ClientMessage message) implements Verdict {
        }
    }

    /** The base seed: fixed so {@code verify} repeats itself; {@code -Drtsync.fuzz.seed=N} explores or replays. */
    static final long BASE_SEED = Long.getLong("rtsync.fuzz.seed", 20_251_127L);

    private static final ObjectMapper PARSER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern ENTITY_CODE = Pattern.compile("[a-z][a-z0-9_]{0,99}");
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    // TOKEN_REFRESH last: validMessage(false) picks from the others.
    private static final List<String> TYPES =
            List.of("SUBSCRIBE", "UNSUBSCRIBE", "UNSUBSCRIBE_ALL", "PING", "STATUS", "SUBSCRIBE_TYPE", "UNSUBSCRIBE_TYPE",
                    "TOKEN_REFRESH");
    private static final List<String> HOSTILE = List.of(
            "project'; DROP TABLE app.logging; --",
            "550e8400-e29b-41d4-a716-446655440001' OR '1'='1",
            "'); DELETE FROM app.rxdb_subscription; --",
            "project\u0000", "${jndi:ldap://127.0.0.1/x}", "__proto__", "{\"$where\":\"1\"}", "<script>alert(1)</script>",
            "../../etc/passwd", "%00", "\u202eesrever", "\ud83d\ude00", "\u00e9t\u00e9", "", " ", "\t\n",
            "a".repeat(100), "a".repeat(101), "Project", "PROJECT", "_project", "9project", "project-x", "invoice",
            "project", "task", "null", "true", "0", "-1", "1e309", "{}", "[]");

    private final Random random;

    FuzzFrames(Random random) {
        this.random = random;
    }

    /** A random generator for one case: base seed and case number, printed by tests on failure. */
    static FuzzFrames forCase(long baseSeed, int caseNumber) {
        return new FuzzFrames(new Random(baseSeed * 1_000_003L + caseNumber));
    }

    // ---- generators ----

    /** Any JSON value, nested at most {@code depth} levels. */
    Object arbitraryValue(int depth) {
        int kind = random.nextInt(depth <= 0 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> arbitraryNumber();
            case 3, 4 -> arbitraryString();
            case 5 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(arbitraryValue(depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    map.put(random.nextInt(3) == 0 ? pick(List.of("type", "payload", "entityCode", "entityIds", "token"))
                            : arbitraryString(), arbitraryValue(depth - 1));
                }
                yield map;
            }
        };
    }

    private Object arbitraryNumber() {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextLong();
            case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
            case 3 -> new java.math.BigInteger(200, random);
            default -> 0;
        };
    }

    String arbitraryString() {
        if (random.nextInt(4) == 0) {
            return pick(HOSTILE);
        }
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) {
            text.appendCodePoint(arbitraryCodePoint());
        }
        return text.toString();
    }

    private int arbitraryCodePoint() {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(0x20); // control characters, escaped when serialised
            case 1 -> 0x80 + random.nextInt(0xD800 - 0x80);
            case 2 -> 0x10000 + random.nextInt(0x10FFFF - 0x10000);
            default -> 0x20 + random.nextInt(0x5F); // printable ASCII, including " and \
        };
    }

    /** A message of the right overall shape whose fields are often wrong: missing, mistyped or hostile. */
    Map<String, Object> nearValidMessage() {
        Map<String, Object> message = new LinkedHashMap<>();
        int typeChoice = random.nextInt(12);
        if (typeChoice < 9) {
            message.put("type", pick(TYPES));
        } else if (typeChoice == 9) {
            message.put("type", pick(TYPES).toLowerCase());
        } else if (typeChoice == 10) {
            message.put("type", arbitraryValue(1));
        }
        if (random.nextInt(8) != 0) {
            if (random.nextInt(8) == 0) {
                message.put("payload", arbitraryValue(2));
            } else {
                Map<String, Object> payload = new LinkedHashMap<>();
                if (random.nextInt(8) != 0) {
                    payload.put("entityCode", random.nextInt(3) == 0 ? arbitraryValue(1) : pick(HOSTILE));
                }
                if (random.nextInt(6) != 0) {
                    payload.put("entityIds", entityIds());
                }
                if (random.nextInt(3) == 0) {
                    payload.put("token", random.nextBoolean() ? arbitraryValue(1) : arbitraryString());
                }
                if (random.nextInt(4) == 0) {
                    payload.put(arbitraryString(), arbitraryValue(2)); // an unknown field
                }
                message.put("payload", payload);
            }
        }
        if (random.nextInt(4) == 0) {
            message.put(arbitraryString(), arbitraryValue(2)); // an unknown field at the top
        }
        return message;
    }

    private Object entityIds() {
        if (random.nextInt(8) == 0) {
            return arbitraryValue(2);
        }
        List<Object> ids = new ArrayList<>();
        for (int i = random.nextInt(8); i > 0; i--) {
            ids.add(switch (random.nextInt(10)) {
                case 0 -> arbitraryValue(1);
                case 1 -> pick(HOSTILE);
                case 2 -> uuid().toUpperCase();
                case 3 -> uuid().replace("-", "");
                case 4 -> "{" + uuid() + "}";
                case 5 -> "1-1-1-1-1";
                default -> uuid();
            });
        }
        return ids;
    }

    /** A valid message of any client type (a TOKEN_REFRESH only when {@code withRefresh}). */
    Map<String, Object> validMessage(boolean withRefresh) {
        String type = pick(withRefresh ? TYPES : TYPES.subList(0, TYPES.size() - 1));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type);
        switch (type) {
            case "SUBSCRIBE", "UNSUBSCRIBE" -> {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("entityCode", pick(List.of("project", "task", "invoice")));
                if (type.equals("SUBSCRIBE") || random.nextBoolean()) {
                    List<Object> ids = new ArrayList<>();
                    for (int i = random.nextInt(6); i > 0; i--) {
                        ids.add(uuid());
                    }
                    payload.put("entityIds", ids);
                }
                message.put("payload", payload);
            }
            case "SUBSCRIBE_TYPE", "UNSUBSCRIBE_TYPE" ->
                    message.put("payload", new LinkedHashMap<>(Map.of("entityCode", pick(List.of("project", "task", "invoice")))));
            case "TOKEN_REFRESH" -> message.put("payload", new LinkedHashMap<>(Map.of("token", "eyJhbGciOiJIUzI1NiJ9.e30.sig")));
            default -> {
            }
        }
        return message;
    }

    /** Drops, duplicates, changes or inserts a few code points, or truncates the text. */
    String mutate(String text) {
        List<Integer> points = new ArrayList<>(text.codePoints().boxed().toList());
        for (int n = 1 + random.nextInt(3); n > 0 && !points.isEmpty(); n--) {
            int at = random.nextInt(points.size());
            switch (random.nextInt(5)) {
                case 0 -> points.remove(at);
                case 1 -> points.add(at, points.get(at));
                case 2 -> points.set(at, random.nextBoolean() ? pick(List.of((int) '"', (int) '\\', (int) '{', (int) '}',
                        (int) '[', (int) ']', (int) ',', (int) ':', (int) '0', (int) 'x')) : arbitraryCodePoint());
                case 3 -> points.add(at, arbitraryCodePoint());
                default -> points.subList(at, points.size()).clear();
            }
        }
        StringBuilder mutated = new StringBuilder();
        points.forEach(mutated::appendCodePoint);
        return mutated.toString();
    }

    /** Writes a JSON value with random whitespace and random (but legal) escapes. */
    String serialize(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private void write(Object value, StringBuilder out) {
        space(out);
        switch (value) {
            case null -> out.append("null");
            case String text -> writeString(text, out);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    space(out);
                    writeString((String) entry.getKey(), out);
                    space(out);
                    out.append(':');
                    write(entry.getValue(), out);
                }
                space(out);
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    write(list.get(i), out);
                }
                space(out);
                out.append(']');
            }
            default -> out.append(value); // numbers and booleans
        }
        space(out);
    }

    private void writeString(String text, StringBuilder out) {
        out.append('"');
        text.codePoints().forEach(point -> {
            if (point == '"' || point == '\\') {
                out.append('\\').appendCodePoint(point);
            } else if (point < 0x20 || (point < 0x10000 && random.nextInt(20) == 0)) {
                out.append(String.format("\\u%04x", point));
            } else {
                out.appendCodePoint(point);
            }
        });
        out.append('"');
    }

    private void space(StringBuilder out) {
        if (random.nextInt(10) == 0) {
            out.append(pick(List.of(" ", "\n", "\t", "\r\n  ")));
        }
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    // ---- the protocol's verdict ----

    /** The verdict on a text frame: {@code INVALID_JSON} unless it parses, otherwise {@link #verdictOn(Object)}. */
    static Verdict verdictOn(String frame) {
        Object value;
        try {
            value = PARSER.readValue(frame, Object.class);
        } catch (JacksonException e) {
            return new Verdict.Error(ErrorCode.INVALID_JSON);
        }
        return verdictOn(value);
    }

    /** Section 5 of docs/protocol.md, rule by rule, for a parsed JSON value. */
    static Verdict verdictOn(Object value) {
        if (!(value instanceof Map<?, ?> message)) {
            return new Verdict.Error(ErrorCode.INVALID_PAYLOAD);
        }
        if (!(message.get("type") instanceof String type) || !TYPES.contains(type)) {
            return new Verdict.Error(ErrorCode.UNKNOWN_TYPE);
        }
        if (type.equals("PING")) {
            return new Verdict.Accept(new ClientMessage.Ping());
        }
        if (type.equals("UNSUBSCRIBE_ALL")) {
            return new Verdict.Accept(new ClientMessage.UnsubscribeAll());
        }
        if (type.equals("STATUS")) {
            return new Verdict.Accept(new ClientMessage.Status());
        }
        if (!(message.get("payload") instanceof Map<?, ?> payload)) {
            return new Verdict.Error(ErrorCode.INVALID_PAYLOAD);
        }
        if (type.equals("TOKEN_REFRESH")) {
            return payload.get("token") instanceof String token && !token.isBlank()
                    ? new Verdict.Accept(new ClientMessage.TokenRefresh(token))
                    : new Verdict.Error(ErrorCode.INVALID_PAYLOAD);
        }
        if (!(payload.get("entityCode") instanceof String code)) {
            return new Verdict.Error(ErrorCode.INVALID_PAYLOAD);
        }
        if (!ENTITY_CODE.matcher(code).matches()) {
            return new Verdict.Error(ErrorCode.INVALID_ENTITY_CODE);
        }
        if (type.equals("SUBSCRIBE_TYPE")) {
            return new Verdict.Accept(new ClientMessage.SubscribeType(EntityCode.of(code)));
        }
        if (type.equals("UNSUBSCRIBE_TYPE")) {
            return new Verdict.Accept(new ClientMessage.UnsubscribeType(EntityCode.of(code)));
        }
        Object ids = payload.get("entityIds");
        if (ids == null) {
            return type.equals("SUBSCRIBE") ? new Verdict.Error(ErrorCode.INVALID_PAYLOAD)
                    : new Verdict.Accept(new ClientMessage.Unsubscribe(EntityCode.of(code), Optional.empty()));
        }
        if (!(ids instanceof List<?> list)) {
            return new Verdict.Error(ErrorCode.INVALID_PAYLOAD);
        }
        List<EntityId> parsed = new ArrayList<>();
        for (Object id : list) {
            if (!(id instanceof String text)) {
                return new Verdict.Error(ErrorCode.INVALID_PAYLOAD);
            }
            if (!UUID_FORM.matcher(text).matches()) {
                return new Verdict.Error(ErrorCode.INVALID_ENTITY_ID);
            }
            EntityId entity = new EntityId(UUID.fromString(text));
            if (entity.isEvery()) {
                return new Verdict.Error(ErrorCode.INVALID_ENTITY_ID); // reserved for SUBSCRIBE_TYPE
            }
            parsed.add(entity);
        }
        return new Verdict.Accept(type.equals("SUBSCRIBE")
                ? new ClientMessage.Subscribe(EntityCode.of(code), parsed)
                : new ClientMessage.Unsubscribe(EntityCode.of(code), Optional.of(parsed)));
    }
}
