package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rtsync.application.message.ServerMessage;
import dev.rtsync.domain.Change;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a {@link ServerMessage} in exactly the shape of the design's section 9: {@code type},
 * then {@code payload} (absent for PONG), and {@code timestamp} as ISO 8601 UTC with milliseconds.
 * Thread-safe.
 */
final class ServerMessageEncoder {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper = new ObjectMapper();

    String encode(ServerMessage message) {
        ObjectNode root = mapper.createObjectNode();
        root.put("type", typeOf(message));
        switch (message) {
            case ServerMessage.Invalidate invalidate -> {
                ObjectNode payload = root.putObject("payload");
                payload.put("entityCode", invalidate.batch().entityCode().value());
                ArrayNode changes = payload.putArray("changes");
                for (Change change : invalidate.batch().changes()) {
                    changes.addObject()
                            .put("entityId", change.entityId().toString())
                            .put("action", change.action().name())
                            .put("version", change.version());
                }
                payload.put("timestamp", timestamp(invalidate.timestamp()));
            }
            case ServerMessage.Subscribed subscribed -> {
                root.putObject("payload").put("count", subscribed.count());
            }
            case ServerMessage.TypeSubscribed typeSubscribed -> {
                root.putObject("payload").put("entityCode", typeSubscribed.entityCode().value());
            }
            case ServerMessage.Pong pong -> {
                // no payload, as in the design's sample
            }
            case ServerMessage.TokenExpiringSoon expiring -> {
                root.putObject("payload").put("expiresIn", expiring.expiresInSeconds());
            }
            case ServerMessage.ErrorMessage error -> {
                root.putObject("payload").put("message", error.message()).put("code", error.code().name());
            }
            case ServerMessage.StatusReport status -> {
                root.putObject("payload")
                        .put("connectionId", status.connection().value())
                        .put("subscriptions", status.subscriptions())
                        .put("tokenExpiresIn", status.tokenExpiresInSeconds());
            }
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
        }
    }

    /** The message's {@code type} on the wire: the one place each is spelled. */
    static String typeOf(ServerMessage message) {
        return switch (message) {
            case ServerMessage.Invalidate invalidate -> "INVALIDATE";
            case ServerMessage.Subscribed subscribed -> "SUBSCRIBED";
            case ServerMessage.TypeSubscribed typeSubscribed -> "TYPE_SUBSCRIBED";
            case ServerMessage.Pong pong -> "PONG";
            case ServerMessage.TokenExpiringSoon expiring -> "TOKEN_EXPIRING_SOON";
            case ServerMessage.ErrorMessage error -> "ERROR";
            case ServerMessage.StatusReport status -> "STATUS_REPORT";
        };
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }
}
