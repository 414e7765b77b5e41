package dev.rtsync.domain;

/**
 * How many connections one instance holds. A user with many tabs open has one connection per
 * tab; past {@code maxPerUser} a runaway client is refused rather than starving everyone else.
 *
 * @param maxPerUser most open connections of one user on one instance
 * @param maxTotal   most open connections on one instance
 */
public record ConnectionLimits(int maxPerUser, int maxTotal) {

    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(32, 100_000);

    public ConnectionLimits {
        if (maxPerUser < 1) {
            throw new InvalidValueException("most connections per user must be at least 1");
        }
        if (maxTotal < maxPerUser) {
            throw new InvalidValueException("most connections in total must be at least the most per user");
        }
    }
}
