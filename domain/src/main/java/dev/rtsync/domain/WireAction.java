package dev.rtsync.domain;

/** The three actions an INVALIDATE can carry, as the design's clients know them. */
public enum WireAction {
    CREATE,
    UPDATE,
    DELETE
}
