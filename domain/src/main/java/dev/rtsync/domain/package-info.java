/**
 * The model of rtsync: who is connected, what each connection watches, and what changed.
 *
 * <p>Plain Java only. Every value type checks its invariants when it is built, so code that
 * holds one never checks again.
 */
package dev.rtsync.domain;
