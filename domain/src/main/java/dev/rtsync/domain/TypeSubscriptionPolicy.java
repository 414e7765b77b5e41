package dev.rtsync.domain;

import java.util.Set;

/**
 * The entity codes whose every change a client may watch (a subscription to a whole type). Such a
 * subscription tells its holder when any entity of the code changes, including ones the user may
 * not see, so it is allowed only for codes an operator names; an empty policy allows none.
 */
public record TypeSubscriptionPolicy(Set<EntityCode> codes) {

    public static final TypeSubscriptionPolicy NONE = new TypeSubscriptionPolicy(Set.of());

    public TypeSubscriptionPolicy {
        codes = Set.copyOf(codes);
    }

    public boolean allows(EntityCode code) {
        return codes.contains(code);
    }
}
