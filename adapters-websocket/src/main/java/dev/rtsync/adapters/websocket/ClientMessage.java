package dev.rtsync.adapters.websocket;

import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every message a client sends, already checked by {@link ClientMessageDecoder}: its values are
 * domain values, so nothing past the decoder handles raw JSON. Sealed, so the server's dispatch
 * {@code switch} fails to compile when a message is added and not handled.
 *
 * <p>Each record's {@code TYPE} is its wire name, the one place it is spelled: the decoder's
 * {@code switch} reads it, and the AsyncAPI document's test compares the set of them with
 * docs/asyncapi.yaml.
 */
sealed interface ClientMessage {

    /** {@code {"type":"SUBSCRIBE","payload":{"entityCode":"project","entityIds":["…"]}}} */
    record Subscribe(EntityCode entityCode, List<EntityId> entityIds) implements ClientMessage {
        static final String TYPE = "SUBSCRIBE";

        public Subscribe {
            Objects.requireNonNull(entityCode, "entity code");
            entityIds = List.copyOf(entityIds);
        }
    }

    /** {@code entityIds} empty means every id of the entity code, as when the client omits the field. */
    record Unsubscribe(EntityCode entityCode, Optional<List<EntityId>> entityIds) implements ClientMessage {
        static final String TYPE = "UNSUBSCRIBE";

        public Unsubscribe {
            Objects.requireNonNull(entityCode, "entity code");
            entityIds = entityIds.map(List::copyOf);
        }
    }

    /** {@code {"type":"SUBSCRIBE_TYPE","payload":{"entityCode":"task"}}}: an rtsync addition, every entity of the code. */
    record SubscribeType(EntityCode entityCode) implements ClientMessage {
        static final String TYPE = "SUBSCRIBE_TYPE";

        public SubscribeType {
            Objects.requireNonNull(entityCode, "entity code");
        }
    }

    /** {@code {"type":"UNSUBSCRIBE_TYPE","payload":{"entityCode":"task"}}}: ends a SUBSCRIBE_TYPE; ids stay watched. */
    record UnsubscribeType(EntityCode entityCode) implements ClientMessage {
        static final String TYPE = "UNSUBSCRIBE_TYPE";

        public UnsubscribeType {
            Objects.requireNonNull(entityCode, "entity code");
        }
    }

    record UnsubscribeAll() implements ClientMessage {
        static final String TYPE = "UNSUBSCRIBE_ALL";
    }

    record Ping() implements ClientMessage {
        static final String TYPE = "PING";
    }

    /** {@code {"type":"STATUS"}}: an rtsync addition; a payload, if any, is ignored. */
    record Status() implements ClientMessage {
        static final String TYPE = "STATUS";
    }

    record TokenRefresh(String token) implements ClientMessage {
        static final String TYPE = "TOKEN_REFRESH";

        public TokenRefresh {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "TokenRefresh[token hidden]";
        }
    }
}
