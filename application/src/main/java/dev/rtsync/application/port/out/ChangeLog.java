package dev.rtsync.application.port.out;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The log of entity changes ({@code app.logging}), read by one instance.
 *
 * <p>Delivery is at least once: a change returned by {@link #readPending} is returned again by
 * the next call until it is {@linkplain #acknowledge acknowledged}, so a crash between sending and
 * acknowledging sends a change twice but never loses one. Every instance reads every change, with
 * its own connections as subscribers. VIEW rows are never returned.
 */
public interface ChangeLog {

    /**
     * The oldest changes this instance has not acknowledged, at most {@code limit}, in the order
     * they must be delivered; each carries this instance's connections that watch its entity.
     */
    List<LoggedChange> readPending(int limit);

    /**
     * Records that the changes were handed on, those in {@code failed} as failed, and moves this
     * instance past them. {@code handled} is the batch {@link #readPending} returned last, whole.
     */
    void acknowledge(List<LoggedChange> handled, Collection<LoggedChange> failed);

    /**
     * Waits until a change may have been logged, or {@code fallback} passed.
     *
     * @throws InterruptedException when the watcher is being stopped
     */
    WakeUp awaitChanges(Duration fallback) throws InterruptedException;
}
