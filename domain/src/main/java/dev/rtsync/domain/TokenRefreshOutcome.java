package dev.rtsync.domain;

/** What {@link Connection#refreshToken} decided. */
public enum TokenRefreshOutcome {
    /** The connection now expires with the new token. */
    REFRESHED,
    /** The token belongs to another user; a connection never changes hands. */
    OTHER_USER
}
