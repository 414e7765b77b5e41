package dev.rtsync.application.message;

import dev.rtsync.domain.ChangeBatch;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;

import java.time.Instant;
import java.util.Objects;

/**
 * Every message the server sends to a client. The hierarchy is sealed so that the encoder's
 * {@code switch} fails to compile when a message is added and not encoded.
 */
public sealed interface ServerMessage {

    /** The entities of the batch changed: the client refetches them through the REST API. */
    record Invalidate(ChangeBatch batch, Instant timestamp) implements ServerMessage {
        public Invalidate {
            Objects.requireNonNull(batch, "batch");
            Objects.requireNonNull(timestamp, "timestamp");
        }
    }

    /** Answers a SUBSCRIBE; {@code count} is the number of distinct ids it named. */
    record Subscribed(int count) implements ServerMessage {
    }

    /** Answers a SUBSCRIBE_TYPE (an rtsync addition): the connection now watches every entity of the code. */
    record TypeSubscribed(EntityCode entityCode) implements ServerMessage {
        public TypeSubscribed {
            Objects.requireNonNull(entityCode, "entity code");
        }
    }

    /** Answers a PING. */
    record Pong() implements ServerMessage {
    }

    /** The connection's token expires in {@code expiresInSeconds}: send a TOKEN_REFRESH. */
    record TokenExpiringSoon(long expiresInSeconds) implements ServerMessage {
    }

    /** A request failed; {@code message} is for people, {@code code} for programs. */
    record ErrorMessage(ErrorCode code, String message) implements ServerMessage {
        public ErrorMessage {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        public static ErrorMessage of(ErrorCode code) {
            return new ErrorMessage(code, code.defaultMessage());
        }
    }

    /**
     * Answers a STATUS: how the server sees the connection, for debugging. {@code subscriptions} is
     * the connection's running total; {@code tokenExpiresInSeconds} is rounded up, 0 once expired.
     */
    record StatusReport(ConnectionId connection, int subscriptions, long tokenExpiresInSeconds) implements ServerMessage {
        public StatusReport {
            Objects.requireNonNull(connection, "connection");
            if (subscriptions < 0 || tokenExpiresInSeconds < 0) {
                throw new IllegalArgumentException("subscriptions and tokenExpiresInSeconds cannot be negative");
            }
        }
    }
}
