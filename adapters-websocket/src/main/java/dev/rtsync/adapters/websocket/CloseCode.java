package dev.rtsync.adapters.websocket;

import dev.rtsync.application.message.CloseReason;

/**
 * The WebSocket close codes this server sends (docs/protocol.md). Codes 4000-4999 are ours
 * (RFC 6455 section 7.4.2 leaves them to applications); the others are the standard ones.
 */
public enum CloseCode {
    /** The server is shutting down; reconnect, possibly to another instance. */
    GOING_AWAY(1001, "Server shutting down"),
    /** A frame was larger than the hard limit (twice the largest accepted message). */
    MESSAGE_TOO_BIG(1009, "Message too big"),
    /** The user or the instance holds as many connections as allowed; reconnect later. */
    TRY_AGAIN_LATER(1013, "Too many connections"),
    /** The token was missing or rejected, at connect or on TOKEN_REFRESH. Do not retry with the same token. */
    AUTH_FAILED(4001, "Authentication failed"),
    /** The token expired without a TOKEN_REFRESH. Reconnect with a fresh token. */
    TOKEN_EXPIRED(4002, "Token expired"),
    /** The client did not read its messages fast enough; its queue overflowed. */
    SLOW_CONSUMER(4008, "Slow consumer"),
    /**
     * The other instances declared this one dead (it was silent too long: a long pause, a network
     * partition) and may have removed the connection's subscriptions. Reconnect, subscribe again, refetch.
     */
    INSTANCE_DECLARED_DEAD(4010, "Instance declared dead; reconnect"),
    /** The client kept sending database-bound messages over its budget (ERROR OVER_BUDGET); reconnect after a pause. */
    OVER_BUDGET(4029, "Over budget");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    static CloseCode of(CloseReason reason) {
        return switch (reason) {
            case AUTH_FAILED -> AUTH_FAILED;
            case TOKEN_EXPIRED -> TOKEN_EXPIRED;
            case TOO_MANY_CONNECTIONS -> TRY_AGAIN_LATER;
            case SLOW_CONSUMER -> SLOW_CONSUMER;
            case OVER_BUDGET -> OVER_BUDGET;
            case SHUTTING_DOWN -> GOING_AWAY;
            case INSTANCE_DECLARED_DEAD -> INSTANCE_DECLARED_DEAD;
        };
    }
}
