package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.LogRetention;
import dev.rtsync.application.port.out.LogRetention.Deleted;
import dev.rtsync.application.port.out.Telemetry;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The opt-in retention of the change log (RTSYNC_LOG_RETENTION): deletes rows older than the
 * retention age that every instance has passed, and VIEW rows of that age, in batches of
 * {@code batchSize} rows, each its own short transaction, so no lock is held for long and the REST
 * API's writes never wait. One round deletes at most {@code maxBatches} batches and leaves the rest
 * to the next round, so a large backlog is worked off at a bounded pace.
 */
public final class PruneChangeLogUseCase {

    private final LogRetention retention;
    private final Clock clock;
    private final Duration age;
    private final int batchSize;
    private final int maxBatches;
    private final Telemetry telemetry;

    public PruneChangeLogUseCase(LogRetention retention, Clock clock, Duration age, int batchSize, int maxBatches,
                                 Telemetry telemetry) {
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.age = Objects.requireNonNull(age, "age");
        if (age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("the retention age must be positive");
        }
        if (batchSize < 1 || maxBatches < 1) {
            throw new IllegalArgumentException("batch size and batches per round must be at least 1");
        }
        this.batchSize = batchSize;
        this.maxBatches = maxBatches;
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    }

    /**
     * One round: batches until one comes back short or the round's batches are used up.
     *
     * @return the rows this round deleted
     */
    public Deleted pruneOnce() {
        var cutoff = clock.instant().minus(age); // one cutoff per round, so the round ends
        int views = 0;
        int changes = 0;
        for (int batch = 0; batch < maxBatches; batch++) {
            Deleted deleted = retention.deleteBatch(cutoff, batchSize);
            telemetry.logRowsDeleted(deleted.viewRows(), deleted.changeRows());
            views += deleted.viewRows();
            changes += deleted.changeRows();
            if (deleted.total() < batchSize) {
                break;
            }
        }
        return new Deleted(views, changes);
    }
}
