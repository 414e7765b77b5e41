package dev.rtsync.application.message;

/**
 * Why the server closes a connection. The transport adapter maps each reason to a WebSocket
 * close code (docs/protocol.md).
 */
public enum CloseReason {
    /** The token was rejected at connect or on refresh. */
    AUTH_FAILED,
    /** The token expired without a refresh. */
    TOKEN_EXPIRED,
    /** The user or the instance holds as many connections as allowed; retry later. */
    TOO_MANY_CONNECTIONS,
    /** The client did not read its messages fast enough and its queue overflowed. */
    SLOW_CONSUMER,
    /** The client kept sending database-bound messages over its budget after being told so. */
    OVER_BUDGET,
    /** The instance is shutting down; reconnect, possibly to another instance. */
    SHUTTING_DOWN,
    /**
     * The other instances declared this one dead (it was silent too long) and may have removed the
     * connection's subscriptions; reconnect and subscribe again.
     */
    INSTANCE_DECLARED_DEAD
}
