package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.InvalidValueException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns one text frame into a {@link ClientMessage}, or says with a stable {@link ErrorCode} why
 * it cannot: the frame is not JSON ({@code INVALID_JSON}), has no known {@code type}
 * ({@code UNKNOWN_TYPE}), lacks a field or has one of the wrong JSON type ({@code INVALID_PAYLOAD}),
 * names a bad entity code ({@code INVALID_ENTITY_CODE}) or an id that is not a UUID or is the
 * nil UUID, reserved for a subscription to every entity ({@code INVALID_ENTITY_ID}). Unknown fields are ignored, so clients may send more than we read.
 * Thread-safe.
 */
final class ClientMessageDecoder {

    /** The verdict on a frame. */
    sealed interface Decoded {
        record Message(ClientMessage message) implements Decoded {
        }

        /** @param message for people; it never repeats the frame */
        record Invalid(ErrorCode code, String message) implements Decoded {
            public Invalid {
                Objects.requireNonNull(code, "code");
                Objects.requireNonNull(message, "message");
            }
        }
    }

    /** Thrown inside the decoder only, to leave a nested check with its verdict. */
    private static final class Rejection extends Exception {
        private final transient Decoded.Invalid invalid;

        Rejection(ErrorCode code, String message) {
            super(message, null, false, false);
            this.invalid = new Decoded.Invalid(code, message);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The frame's {@code type} when it is the object's first field, as every client sends it, read
     * without parsing the rest: what the budget check needs before it decides to parse a large
     * frame. Empty when the type is not first or the frame does not start as a JSON object.
     */
    Optional<String> leadingType(String frame) {
        try (JsonParser parser = mapper.getFactory().createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME
                    || !"type".equals(parser.currentName()) || parser.nextToken() != JsonToken.VALUE_STRING) {
                return Optional.empty();
            }
            return Optional.of(parser.getText());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    Decoded decode(String frame) {
        JsonNode root;
        try {
            root = mapper.readTree(frame);
        } catch (JsonProcessingException e) {
            return new Decoded.Invalid(ErrorCode.INVALID_JSON, "Message is not valid JSON");
        }
        if (root == null || root.isMissingNode()) {
            return new Decoded.Invalid(ErrorCode.INVALID_JSON, "Message is not valid JSON");
        }
        try {
            return new Decoded.Message(decode(root));
        } catch (Rejection rejection) {
            return rejection.invalid;
        }
    }

    private ClientMessage decode(JsonNode root) throws Rejection {
        if (!root.isObject()) {
            throw new Rejection(ErrorCode.INVALID_PAYLOAD, "A message is a JSON object with a \"type\"");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new Rejection(ErrorCode.UNKNOWN_TYPE, "A message needs a \"type\" string");
        }
        return switch (type.textValue()) {
            case ClientMessage.Subscribe.TYPE -> subscribe(payload(root));
            case ClientMessage.Unsubscribe.TYPE -> unsubscribe(payload(root));
            case ClientMessage.UnsubscribeAll.TYPE -> new ClientMessage.UnsubscribeAll();
            case ClientMessage.Ping.TYPE -> new ClientMessage.Ping();
            case ClientMessage.TokenRefresh.TYPE -> tokenRefresh(payload(root));
            case ClientMessage.Status.TYPE -> new ClientMessage.Status();
            case ClientMessage.SubscribeType.TYPE -> new ClientMessage.SubscribeType(entityCode(payload(root)));
            case ClientMessage.UnsubscribeType.TYPE -> new ClientMessage.UnsubscribeType(entityCode(payload(root)));
            default -> throw new Rejection(ErrorCode.UNKNOWN_TYPE, "Unknown message type; expected SUBSCRIBE, UNSUBSCRIBE, "
                    + "UNSUBSCRIBE_ALL, PING, TOKEN_REFRESH, STATUS, SUBSCRIBE_TYPE or UNSUBSCRIBE_TYPE");
        };
    }

    private static JsonNode payload(JsonNode root) throws Rejection {
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new Rejection(ErrorCode.INVALID_PAYLOAD, "\"payload\" must be an object");
        }
        return payload;
    }

    private static ClientMessage subscribe(JsonNode payload) throws Rejection {
        EntityCode code = entityCode(payload);
        JsonNode ids = payload.get("entityIds");
        if (ids == null || ids.isNull()) {
            throw new Rejection(ErrorCode.INVALID_PAYLOAD, "\"entityIds\" is required: an array of UUID strings");
        }
        return new ClientMessage.Subscribe(code, entityIds(ids));
    }

    private static ClientMessage unsubscribe(JsonNode payload) throws Rejection {
        EntityCode code = entityCode(payload);
        JsonNode ids = payload.get("entityIds");
        if (ids == null || ids.isNull()) {
            return new ClientMessage.Unsubscribe(code, Optional.empty());
        }
        return new ClientMessage.Unsubscribe(code, Optional.of(entityIds(ids)));
    }

    private static ClientMessage tokenRefresh(JsonNode payload) throws Rejection {
        JsonNode token = payload.get("token");
        if (token == null || !token.isTextual() || token.textValue().isBlank()) {
            throw new Rejection(ErrorCode.INVALID_PAYLOAD, "\"token\" must be a non-empty string");
        }
        return new ClientMessage.TokenRefresh(token.textValue());
    }

    private static EntityCode entityCode(JsonNode payload) throws Rejection {
        JsonNode code = payload.get("entityCode");
        if (code == null || !code.isTextual()) {
            throw new Rejection(ErrorCode.INVALID_PAYLOAD, "\"entityCode\" must be a string");
        }
        try {
            return EntityCode.of(code.textValue());
        } catch (InvalidValueException e) {
            throw new Rejection(ErrorCode.INVALID_ENTITY_CODE, "Invalid entity code: " + e.getMessage());
        }
    }

    private static List<EntityId> entityIds(JsonNode ids) throws Rejection {
        if (!ids.isArray()) {
            throw new Rejection(ErrorCode.INVALID_PAYLOAD, "\"entityIds\" must be an array of UUID strings");
        }
        List<EntityId> parsed = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw new Rejection(ErrorCode.INVALID_PAYLOAD, "\"entityIds\" must be an array of UUID strings");
            }
            EntityId entity;
            try {
                entity = EntityId.parse(id.textValue());
            } catch (InvalidValueException e) {
                throw new Rejection(ErrorCode.INVALID_ENTITY_ID, "Invalid entity id at index " + parsed.size()
                        + ": " + e.getMessage());
            }
            // The nil UUID stands for every entity of the code: only SUBSCRIBE_TYPE, which a
            // setting governs, may ask for that.
            if (entity.isEvery()) {
                throw new Rejection(ErrorCode.INVALID_ENTITY_ID, "Invalid entity id at index " + parsed.size()
                        + ": the nil UUID is reserved; send SUBSCRIBE_TYPE to watch every entity of a code");
            }
            parsed.add(entity);
        }
        return parsed;
    }
}
