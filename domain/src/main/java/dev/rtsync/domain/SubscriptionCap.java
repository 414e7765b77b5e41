package dev.rtsync.domain;

/** Which of the subscription caps of {@link SubscriptionLimits} a SUBSCRIBE would have passed. */
public enum SubscriptionCap {
    /** {@link SubscriptionLimits#maxSubscriptionsPerConnection()} */
    CONNECTION,
    /** {@link SubscriptionLimits#maxSubscriptionsPerUser()}, across the user's connections on one instance */
    USER,
    /** {@link SubscriptionLimits#maxSubscriptionsPerInstance()} */
    INSTANCE
}
