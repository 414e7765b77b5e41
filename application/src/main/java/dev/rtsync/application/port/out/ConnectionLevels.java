package dev.rtsync.application.port.out;

import dev.rtsync.domain.SubscriptionCap;

/**
 * The levels of this instance's open connections, read when a metrics system asks (a Prometheus
 * scrape) rather than reported as events. The application provides them and hands them to
 * {@link Telemetry#watchConnections}. Every method must be cheap, thread-safe and never block.
 */
public interface ConnectionLevels {

    /** Open, authenticated connections. */
    int connectionCount();

    /** Distinct users with an open connection. */
    int userCount();

    /** Entity subscriptions held by the open connections. */
    int subscriptionCount();

    /** SUBSCRIBEs and SUBSCRIBE_TYPEs refused so far because they would have passed this cap. */
    long subscriptionsRefused(SubscriptionCap cap);
}
