package dev.rtsync.domain;

/**
 * How much a connection, a user and an instance may ask for. The defaults fit a browser that shows
 * a few pages of entities: a list page sends one SUBSCRIBE per page, rarely above a few hundred ids.
 * Every subscription is one row in the database's subscription table and one entry in the
 * instance's memory, so the user and instance caps keep one user's many tabs, and all users
 * together, from growing either without bound (docs/reliability.md explains the defaults).
 *
 * @param maxIdsPerSubscribe            most entity ids in one SUBSCRIBE
 * @param maxSubscriptionsPerConnection most (entity code, entity id) pairs one connection holds
 * @param maxSubscriptionsPerUser       most pairs one user holds across their connections on one instance
 * @param maxSubscriptionsPerInstance   most pairs all connections of one instance hold together
 */
public record SubscriptionLimits(int maxIdsPerSubscribe, int maxSubscriptionsPerConnection,
                                 int maxSubscriptionsPerUser, int maxSubscriptionsPerInstance) {

    public static final int DEFAULT_MAX_PER_USER = 50_000;
    public static final int DEFAULT_MAX_PER_INSTANCE = 1_000_000;

    public static final SubscriptionLimits DEFAULTS =
            new SubscriptionLimits(1_000, 10_000, DEFAULT_MAX_PER_USER, DEFAULT_MAX_PER_INSTANCE);

    public SubscriptionLimits {
        if (maxIdsPerSubscribe < 1) {
            throw new InvalidValueException("most ids per SUBSCRIBE must be at least 1");
        }
        if (maxSubscriptionsPerConnection < maxIdsPerSubscribe) {
            throw new InvalidValueException("most subscriptions per connection must be at least the most ids per SUBSCRIBE");
        }
        if (maxSubscriptionsPerUser < maxSubscriptionsPerConnection) {
            throw new InvalidValueException("most subscriptions per user must be at least the most per connection");
        }
        if (maxSubscriptionsPerInstance < maxSubscriptionsPerUser) {
            throw new InvalidValueException("most subscriptions per instance must be at least the most per user");
        }
    }

    /** Caps only what one connection asks for; its user and the instance are not capped. */
    public SubscriptionLimits(int maxIdsPerSubscribe, int maxSubscriptionsPerConnection) {
        this(maxIdsPerSubscribe, maxSubscriptionsPerConnection, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }
}
