package dev.rtsync.domain;

import java.util.Set;

/** What {@link Connection#subscribe} decided. */
public sealed interface SubscribeOutcome {

    /**
     * The ids are now held.
     *
     * @param requested the number of distinct ids the request named
     * @param added     the ids the connection did not hold before
     */
    record Accepted(int requested, Set<EntityId> added) implements SubscribeOutcome {
        public Accepted {
            added = Set.copyOf(added);
        }
    }

    /** The request named more ids than one SUBSCRIBE may carry; nothing changed. */
    record TooManyIds(int requested, int max) implements SubscribeOutcome {
    }

    /**
     * Holding the new ids would take the connection, its user or the instance past its cap; nothing changed.
     *
     * @param cap    the cap that refused
     * @param held   what the cap's scope (the connection, the user, the instance) holds now
     * @param adding the ids the request would have added
     * @param max    the cap's value
     */
    record TooManySubscriptions(SubscriptionCap cap, int held, int adding, int max) implements SubscribeOutcome {
    }
}
