package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.DatabaseClock;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Compares this instance's clock with the database's, which logs every change and judges every
 * heartbeat. When they disagree by more than the tolerance, the delivery lag this instance reports
 * is off by as much, so it says so once (WARNING) and once more when they agree again (INFO).
 * The bootstrap runs it every minute; when the database cannot be reached it throws, and the next
 * round tries again.
 */
public final class CheckClockSkewUseCase {

    private static final System.Logger LOG = System.getLogger(CheckClockSkewUseCase.class.getName());

    /**
     * One comparison.
     *
     * @param offset the database's time minus this instance's, taken halfway through the round trip
     * @param withinTolerance whether the offset is within the tolerance, given the round trip's uncertainty
     */
    public record ClockSkew(Duration offset, boolean withinTolerance) {
        public ClockSkew {
            Objects.requireNonNull(offset, "offset");
        }
    }

    private final DatabaseClock database;
    private final Clock clock;
    private final Duration tolerance;
    private boolean warned; // only the scheduler's one thread calls check()

    public CheckClockSkewUseCase(DatabaseClock database, Clock clock, Duration tolerance) {
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("the clock skew tolerance must not be negative");
        }
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tolerance = tolerance;
    }

    public ClockSkew check() {
        Instant before = clock.instant();
        Instant databaseNow = database.now();
        Instant after = clock.instant();
        Duration roundTrip = Duration.between(before, after);
        Duration offset = Duration.between(before.plus(roundTrip.dividedBy(2)), databaseNow);
        boolean within = offset.abs().compareTo(tolerance.plus(roundTrip.dividedBy(2))) <= 0;
        if (!within && !warned) {
            LOG.log(Level.WARNING, "The database''s clock is {0} ms {1} this instance''s: the delivery lag is off by as much;"
                    + " synchronise both hosts'' clocks (NTP)", offset.abs().toMillis(), offset.isNegative() ? "behind" : "ahead of");
        } else if (within && warned) {
            LOG.log(Level.INFO, "The database''s clock and this instance''s agree again (within {0} ms)", tolerance.toMillis());
        }
        warned = !within;
        return new ClockSkew(offset, within);
    }
}
