package dev.rtsync.application.port.out;

import java.time.Instant;

/**
 * Deletes old change-log rows, for the opt-in retention. Only rows every instance has passed may
 * go, and VIEW rows, which no instance reads; each call is one short transaction.
 */
public interface LogRetention {

    /**
     * How many rows one batch deleted.
     *
     * @param viewRows   VIEW rows (action 0)
     * @param changeRows rows of changes, all passed by every instance
     */
    record Deleted(int viewRows, int changeRows) {
        public static final Deleted NONE = new Deleted(0, 0);

        public int total() {
            return viewRows + changeRows;
        }
    }

    /**
     * Deletes at most {@code limit} rows logged before {@code cutoff} that every instance has passed
     * (VIEW rows whether passed or not). Rows another instance is deleting at the same moment are
     * skipped, not waited for.
     *
     * @throws StorageUnavailableException when the database cannot be reached
     */
    Deleted deleteBatch(Instant cutoff, int limit);
}
