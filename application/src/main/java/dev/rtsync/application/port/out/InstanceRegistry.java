package dev.rtsync.application.port.out;

import java.time.Duration;
import java.util.List;

/**
 * The instances that share the database, as one of them sees it: it proves itself alive, declares
 * dead the instances that went silent, and removes what they left behind (in PostgreSQL:
 * {@code app.rtsync_instance}, their rows in {@code app.rxdb_subscription} and {@code app.rtsync_reader}).
 *
 * <p>Every instance calls these at once. The adapter guarantees: an instance is declared dead by
 * one caller only; a heartbeat and a declaration of death never both succeed for the same silence;
 * the rows of an instance that is alive (not declared dead) are never removed. Time is the
 * database's (or the fake's) clock, one clock for every instance, so host clocks may differ.
 */
public interface InstanceRegistry {

    /**
     * Registers this instance as alive, afresh when it was declared dead: heartbeat now, no longer
     * dead, and a reader position at the current end of the log when it has none left.
     */
    void register();

    /**
     * Proves this instance alive now.
     *
     * @param deadAfter how long a silent instance counts as alive, for the count in the answer
     * @return whether this instance was still alive (false: it has been declared dead and must
     *         {@linkplain #register register afresh}), and how many instances are alive now
     */
    Heartbeat heartbeat(Duration deadAfter);

    /**
     * Declares dead at most {@code limit} other instances whose last heartbeat is older than
     * {@code deadAfter}; their rows are then removed by {@link #removeRowsOfDeadInstances}.
     *
     * @return the ids this call declared dead (not those another caller declared)
     */
    List<String> declareSilentInstancesDead(Duration deadAfter, int limit);

    /**
     * Removes at most {@code limit} subscription rows of instances declared dead, and the reader
     * positions of dead instances that have no subscription rows left.
     */
    Removed removeRowsOfDeadInstances(int limit);

    /**
     * Declares this instance dead itself, at a graceful stop, so the others remove its reader position
     * without waiting for its silence to pass.
     */
    void leave();

    /**
     * @param alive          false when this instance had been declared dead (nothing was updated)
     * @param instancesAlive instances alive now, this one included when {@code alive}
     */
    record Heartbeat(boolean alive, int instancesAlive) {
    }

    /** Rows one call removed on behalf of dead instances. */
    record Removed(int subscriptions, int readers) {
        public static final Removed NOTHING = new Removed(0, 0);

        public boolean isNothing() {
            return subscriptions == 0 && readers == 0;
        }

        public Removed plus(Removed other) {
            return new Removed(subscriptions + other.subscriptions, readers + other.readers);
        }
    }
}
