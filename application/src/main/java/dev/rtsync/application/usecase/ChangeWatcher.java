package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.port.out.WakeUp;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The loop that keeps delivery going: deliver what is pending, then wait for the log to signal a
 * commit or for the fallback interval. When the store is unreachable it retries soon (from
 * {@value #FIRST_RETRY_MILLIS} ms, doubling up to the fallback interval), since a notification sent
 * meanwhile may be lost; changes wait in the log, so none is lost. Run it on a thread of its own;
 * interrupting that thread stops it. Each round that went through is reported to
 * {@link Telemetry#wokeUp}, with what woke it.
 */
public final class ChangeWatcher implements Runnable {

    private static final System.Logger LOG = System.getLogger(ChangeWatcher.class.getName());
    static final long FIRST_RETRY_MILLIS = 100;

    private final DeliverPendingChangesUseCase deliver;
    private final ChangeLog changeLog;
    private final Duration fallbackPoll;
    private final Telemetry telemetry;

    public ChangeWatcher(DeliverPendingChangesUseCase deliver, ChangeLog changeLog, Duration fallbackPoll,
                         Telemetry telemetry) {
        if (fallbackPoll.isNegative() || fallbackPoll.isZero()) {
            throw new IllegalArgumentException("the fallback poll interval must be positive");
        }
        this.deliver = deliver;
        this.changeLog = changeLog;
        this.fallbackPoll = fallbackPoll;
        this.telemetry = telemetry;
    }

    @Override
    public void run() {
        WakeUp cause = WakeUp.FALLBACK_POLL;
        Duration retry = Duration.ZERO; // zero while delivery works
        while (!Thread.currentThread().isInterrupted()) {
            try {
                deliver.deliverPending();
                telemetry.wokeUp(cause);
                if (!retry.isZero()) {
                    LOG.log(Level.INFO, "Change log reachable again; delivery resumed");
                    retry = Duration.ZERO;
                }
            } catch (RuntimeException e) {
                if (retry.isZero()) {
                    LOG.log(Level.WARNING, "Cannot deliver changes now; retrying", e);
                }
                retry = nextRetry(retry);
            }
            Duration wait = retry.isZero() ? fallbackPoll : retry;
            try {
                cause = changeLog.awaitChanges(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                cause = WakeUp.FALLBACK_POLL;
                pause(wait);
            }
        }
    }

    private Duration nextRetry(Duration previous) {
        Duration next = previous.isZero() ? Duration.ofMillis(FIRST_RETRY_MILLIS) : previous.multipliedBy(2);
        return next.compareTo(fallbackPoll) > 0 ? fallbackPoll : next;
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
