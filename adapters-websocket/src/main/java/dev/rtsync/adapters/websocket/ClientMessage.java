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
 */
sealed interface ClientMessage {

    /** {@code {"type":"SUBSCRIBE","payload":{"entityCode":"project","entityIds":["…"]}}} */
    record Subscribe(EntityCode entityCode, List<EntityId> entityIds) implements ClientMessage {
        public Subscribe {
            Objects.requireNonNull(entityCode, "entity code");
            entityIds = List.copyOf(entityIds);
        }
    }

    /** {@code entityIds} empty means every id of the entity code, as when the client omits the field. */
    record Unsubscribe(EntityCode entityCode, Optional<List<EntityId>> entityIds) implements ClientMessage {
        public Unsubscribe {
            Objects.requireNonNull(entityCode, "entity code");
            entityIds = entityIds.map(List::copyOf);
        }
    }

    record UnsubscribeAll() implements ClientMessage {
    }

    record Ping() implements ClientMessage {
    }

    record TokenRefresh(String token) implements ClientMessage {
        public TokenRefresh {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "TokenRefresh[token hidden]";
        }
    }
}
