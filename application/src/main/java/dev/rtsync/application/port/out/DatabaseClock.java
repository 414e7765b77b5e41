package dev.rtsync.application.port.out;

import java.time.Instant;

/**
 * The database's own clock: the time every change is logged with and every heartbeat is judged
 * by. This instance's {@link java.time.Clock} measures the delivery lag against it and expires
 * tokens by it, so the two must agree.
 */
public interface DatabaseClock {

    /**
     * The database's time at the moment of the call (not at the start of a transaction).
     *
     * @throws StorageUnavailableException when the database cannot be reached
     */
    Instant now();
}
