package dev.rtsync.application.message;

/**
 * The stable {@code code} of every ERROR the server sends. Clients branch on these, so a code
 * is never renamed; docs/protocol.md lists each with an example.
 */
public enum ErrorCode {
    /** The token is missing, malformed, badly signed, expired or of another user. The connection closes. */
    AUTH_FAILED("Invalid token"),
    /** The token expired without a TOKEN_REFRESH. The connection closes. */
    TOKEN_EXPIRED("Token expired"),
    /** The frame is not JSON. */
    INVALID_JSON("Message is not valid JSON"),
    /** The {@code type} is missing or not one the server knows. */
    UNKNOWN_TYPE("Unknown message type"),
    /** A field is missing, has the wrong JSON type, or the frame is not an object. */
    INVALID_PAYLOAD("Invalid payload"),
    /** The entity code is not a lower-case identifier of at most 100 characters. */
    INVALID_ENTITY_CODE("Invalid entity code"),
    /** The entity code is well formed but not one this server serves. */
    UNKNOWN_ENTITY_CODE("Unknown entity code"),
    /** A SUBSCRIBE_TYPE named an entity code whose subscriptions to every entity are not allowed. */
    TYPE_SUBSCRIPTION_NOT_ALLOWED("Subscriptions to every entity of this code are not allowed"),
    /** An entity id is not a UUID. */
    INVALID_ENTITY_ID("Invalid entity id"),
    /** One SUBSCRIBE named more ids than allowed. */
    TOO_MANY_IDS("Too many entity ids in one message"),
    /**
     * The connection, its user (across the user's connections on this server) or the server would
     * hold more subscriptions than allowed; the message names which. Nothing was subscribed.
     */
    TOO_MANY_SUBSCRIPTIONS("Too many subscriptions"),
    /** The user or the server holds as many connections as allowed. The connection closes. */
    TOO_MANY_CONNECTIONS("Too many connections"),
    /** The frame is larger than allowed. */
    MESSAGE_TOO_LARGE("Message too large"),
    /** The client sends faster than allowed. */
    RATE_LIMITED("Too many messages"),
    /**
     * The user's budget of database-bound messages (SUBSCRIBE, UNSUBSCRIBE, UNSUBSCRIBE_ALL,
     * TOKEN_REFRESH, across all its connections) or the server's is spent: the message was dropped;
     * send it again later. A connection that keeps sending over budget is closed with 4029.
     */
    OVER_BUDGET("Too many database-bound messages"),
    /** The database cannot be reached; retry later. */
    UNAVAILABLE("Service temporarily unavailable"),
    /** A bug on the server; the connection stays open. */
    INTERNAL_ERROR("Internal error");

    private final String defaultMessage;

    ErrorCode(String defaultMessage) {
        this.defaultMessage = defaultMessage;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
