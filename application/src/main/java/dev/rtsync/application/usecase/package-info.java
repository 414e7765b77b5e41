/**
 * The use cases, the incoming ports of rtsync. Each public method takes one command record (the
 * clock-driven ones take none) and returns a result record, or a sealed interface of records when
 * it can end in several defined ways; ArchUnit checks the shape. Answers to the client go out
 * through {@link dev.rtsync.application.port.out.ClientChannel}, the same path as INVALIDATE, so a
 * client sees them in the order they happened.
 *
 * <p>They are concrete classes, not interfaces: each has one implementation and the tests run
 * the real thing against in-memory adapters. What several share is a collaborator here
 * ({@link dev.rtsync.application.usecase.ConnectionRegistry},
 * {@link dev.rtsync.application.usecase.StoredSubscriptions},
 * {@link dev.rtsync.application.usecase.ConnectionCloser}), never a static helper of one of them;
 * {@link dev.rtsync.application.RtsyncCore} builds them all.
 */
package dev.rtsync.application.usecase;
