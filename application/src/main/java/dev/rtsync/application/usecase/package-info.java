/**
 * The use cases, the incoming ports of rtsync. Each takes one command record and returns one
 * result; answers to the client go out through {@link dev.rtsync.application.port.out.ClientChannel},
 * the same path as INVALIDATE, so a client sees them in the order they happened.
 *
 * <p>They are concrete classes, not interfaces: each has one implementation and the tests run
 * the real thing against in-memory adapters.
 */
package dev.rtsync.application.usecase;
