package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.WakeUp;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * The loop that keeps delivery going: deliver what is pending, then wait for the log to signal a
 * commit or for the fallback interval. When the store is unreachable it keeps trying at the
 * fallback interval; changes wait in the log meanwhile, so none is lost. Run it on a thread of
 * its own; interrupting that thread stops it.
 */
public final class ChangeWatcher implements Runnable {

    private static final System.Logger LOG = System.getLogger(ChangeWatcher.class.getName());

    private final DeliverPendingChangesUseCase deliver;
    private final ChangeLog changeLog;
    private final Duration fallbackPoll;
    private final BiConsumer<WakeUp, DeliverPendingChangesUseCase.DeliveryReport> afterEachRound;

    /**
     * @param afterEachRound told of every round, for metrics; it must not block
     */
    public ChangeWatcher(DeliverPendingChangesUseCase deliver, ChangeLog changeLog, Duration fallbackPoll,
                         BiConsumer<WakeUp, DeliverPendingChangesUseCase.DeliveryReport> afterEachRound) {
        if (fallbackPoll.isNegative() || fallbackPoll.isZero()) {
            throw new IllegalArgumentException("the fallback poll interval must be positive");
        }
        this.deliver = deliver;
        this.changeLog = changeLog;
        this.fallbackPoll = fallbackPoll;
        this.afterEachRound = afterEachRound;
    }

    @Override
    public void run() {
        WakeUp cause = WakeUp.FALLBACK_POLL;
        boolean failing = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                afterEachRound.accept(cause, deliver.deliverPending());
                if (failing) {
                    LOG.log(Level.INFO, "Change log reachable again; delivery resumed");
                    failing = false;
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.log(Level.WARNING, "Cannot deliver changes now, retrying every " + fallbackPoll, e);
                    failing = true;
                }
            }
            try {
                cause = changeLog.awaitChanges(fallbackPoll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                cause = WakeUp.FALLBACK_POLL;
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(fallbackPoll);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
