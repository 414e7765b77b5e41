package dev.rtsync.domain;

/**
 * How much one connection may ask for. The defaults fit a browser that shows a few pages of
 * entities: a list page sends one SUBSCRIBE per page, rarely above a few hundred ids.
 *
 * @param maxIdsPerSubscribe            most entity ids in one SUBSCRIBE
 * @param maxSubscriptionsPerConnection most (entity code, entity id) pairs one connection holds
 */
public record SubscriptionLimits(int maxIdsPerSubscribe, int maxSubscriptionsPerConnection) {

    public static final SubscriptionLimits DEFAULTS = new SubscriptionLimits(1_000, 10_000);

    public SubscriptionLimits {
        if (maxIdsPerSubscribe < 1) {
            throw new InvalidValueException("most ids per SUBSCRIBE must be at least 1");
        }
        if (maxSubscriptionsPerConnection < maxIdsPerSubscribe) {
            throw new InvalidValueException("most subscriptions per connection must be at least the most ids per SUBSCRIBE");
        }
    }
}
