package dev.rtsync.domain;

import java.util.Set;

/**
 * The entity codes clients may subscribe to. An empty catalog accepts every well-formed code,
 * which suits a database whose entity tables come and go; a listed catalog turns a typo in a
 * client into a clear error instead of a subscription that never fires.
 */
public record EntityCatalog(Set<EntityCode> codes) {

    public static final EntityCatalog ANY = new EntityCatalog(Set.of());

    public EntityCatalog {
        codes = Set.copyOf(codes);
    }

    public boolean accepts(EntityCode code) {
        return codes.isEmpty() || codes.contains(code);
    }
}
