package dev.rtsync.application.usecase;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.application.port.out.InstanceRegistry.Heartbeat;
import dev.rtsync.application.port.out.InstanceRegistry.Removed;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.domain.Connection;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Instances that come and go (docs/adr/0013): this instance proves itself alive with
 * {@link #beat()} every heartbeat interval, and with {@link #cleanUp()} removes what instances
 * silent for longer than {@code deadAfter} left behind. Run each on a timer; they may run on two
 * threads at once.
 *
 * <p>When a heartbeat finds this instance declared dead (it was paused or cut off for longer than
 * {@code deadAfter}), the others may have removed its connections' subscription rows, so those
 * connections can no longer be trusted: it registers afresh first (from then on nobody removes its
 * rows), then closes every connection it held until then with
 * {@link CloseReason#INSTANCE_DECLARED_DEAD}; the clients reconnect and subscribe again.
 *
 * <p>An instance judges the others only after its own heartbeats have gone through without a gap for
 * a whole {@code deadAfter}: when the database was unreachable for everyone, or this instance was
 * the one paused, the others had no chance to prove themselves alive meanwhile.
 */
public final class KeepAliveUseCase {

    private static final System.Logger LOG = System.getLogger(KeepAliveUseCase.class.getName());
    /** Most instances declared dead, and most rows removed, by one statement. */
    public static final int BATCH = 500;

    private final InstanceRegistry instances;
    private final ConnectionRegistry connections;
    private final ConnectionCloser closer;
    private final Telemetry telemetry;
    private final Clock clock;
    private final Duration heartbeatInterval;
    private final Duration deadAfter;
    // Written by beat(), read by cleanUp(), which may run on another thread.
    private volatile Instant lastHeartbeat;
    private volatile Instant heartbeatsUnbrokenSince;
    private volatile boolean unreachable; // one warning per outage, not one per interval
    // Set from the heartbeat that found this instance dead until its connections are closed, so a
    // registration that failed halfway is retried whole, connections included.
    private volatile boolean mustRejoin;

    public KeepAliveUseCase(InstanceRegistry instances, ConnectionRegistry connections, ConnectionCloser closer,
                            Telemetry telemetry, Clock clock,
                            Duration heartbeatInterval, Duration deadAfter) {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("the heartbeat interval must be positive");
        }
        if (deadAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("an instance may count as dead only after at least two heartbeat intervals");
        }
        this.instances = instances;
        this.connections = connections;
        this.closer = closer;
        this.telemetry = telemetry;
        this.clock = clock;
        this.heartbeatInterval = heartbeatInterval;
        this.deadAfter = deadAfter;
    }

    /** What one heartbeat found. */
    public enum Beat {
        /** This instance is alive. */
        ALIVE,
        /** This instance had been declared dead; it registered afresh and closed its connections. */
        REJOINED,
        /** The database could not be reached; try again at the next interval. */
        UNREACHABLE
    }

    /** Proves this instance alive; registers it afresh when the others declared it dead. */
    public Beat beat() {
        Instant now = clock.instant();
        if (mustRejoin) {
            return rejoin(now);
        }
        Heartbeat heartbeat;
        try {
            heartbeat = instances.heartbeat(deadAfter);
        } catch (StorageUnavailableException e) {
            heartbeatsUnbrokenSince = null;
            if (!unreachable) {
                unreachable = true;
                LOG.log(Level.WARNING, "Heartbeat failed; this instance judges no other until its heartbeats have gone "
                        + "through for {0} again: {1}", deadAfter, e.getMessage());
            }
            return Beat.UNREACHABLE;
        }
        if (unreachable) {
            unreachable = false;
            LOG.log(Level.INFO, "Heartbeat went through again");
        }
        if (!heartbeat.alive()) {
            return rejoin(now);
        }
        Instant previous = lastHeartbeat;
        if (previous == null || heartbeatsUnbrokenSince == null || isGap(previous, now)) {
            heartbeatsUnbrokenSince = now;
        }
        lastHeartbeat = now;
        telemetry.instancesAlive(heartbeat.instancesAlive());
        return Beat.ALIVE;
    }

    private Beat rejoin(Instant now) {
        mustRejoin = true;
        Collection<Connection> heldBefore;
        try {
            instances.register();
            heldBefore = connections.all(); // after registering: a connection that comes later is trusted
        } catch (StorageUnavailableException e) {
            heartbeatsUnbrokenSince = null;
            LOG.log(Level.WARNING, "This instance was declared dead and cannot register afresh yet: {0}", e.getMessage());
            return Beat.UNREACHABLE;
        }
        LOG.log(Level.WARNING, "This instance was declared dead by another (silent for more than {0}: a long pause or a "
                + "network partition) and registered afresh; closing its {1} connections so their clients subscribe again",
                deadAfter, heldBefore.size());
        for (Connection connection : heldBefore) {
            closer.close(connection.id(), CloseReason.INSTANCE_DECLARED_DEAD);
        }
        mustRejoin = false;
        heartbeatsUnbrokenSince = now;
        lastHeartbeat = now;
        telemetry.rejoinedAfterDeclaredDead();
        return Beat.REJOINED;
    }

    /** Heartbeats further apart than half the dead time: this instance itself was paused or cut off. */
    private boolean isGap(Instant previous, Instant now) {
        return Duration.between(previous, now).compareTo(deadAfter.dividedBy(2)) > 0;
    }

    /** What one clean-up did. */
    public record CleanUpReport(boolean judged, List<String> declaredDead, Removed removed) {
        static final CleanUpReport NOT_JUDGED = new CleanUpReport(false, List.of(), Removed.NOTHING);
    }

    /**
     * Declares dead the instances silent for longer than {@code deadAfter} and removes rows of dead
     * instances in batches, for at most about one heartbeat interval (the next call goes on).
     * Does nothing until this instance's own heartbeats have gone through unbroken for {@code deadAfter}.
     */
    public CleanUpReport cleanUp() {
        Instant now = clock.instant();
        if (!mayJudgeOthers(now)) {
            return CleanUpReport.NOT_JUDGED;
        }
        List<String> declared = instances.declareSilentInstancesDead(deadAfter, BATCH);
        if (!declared.isEmpty()) {
            telemetry.instancesDeclaredDead(declared.size());
            LOG.log(Level.INFO, "Declared dead, silent for more than {0}: {1}; removing their rows", deadAfter, declared);
        }
        Removed total = Removed.NOTHING;
        Instant stopAt = now.plus(heartbeatInterval);
        Removed batch;
        do {
            batch = instances.removeRowsOfDeadInstances(BATCH);
            total = total.plus(batch);
            telemetry.deadInstanceRowsRemoved(batch.subscriptions(), batch.readers());
        } while (!batch.isNothing() && clock.instant().isBefore(stopAt));
        if (!total.isNothing()) {
            LOG.log(Level.INFO, "Removed {0} subscription rows and {1} reader positions of dead instances",
                    total.subscriptions(), total.readers());
        }
        return new CleanUpReport(true, declared, total);
    }

    private boolean mayJudgeOthers(Instant now) {
        Instant since = heartbeatsUnbrokenSince;
        Instant last = lastHeartbeat;
        return since != null && last != null
                && !isGap(last, now)
                && Duration.between(since, now).compareTo(deadAfter) >= 0;
    }

    /** At a graceful stop, after the connections are closed: the others remove this instance's position at once. */
    public void leave() {
        instances.leave();
    }
}
