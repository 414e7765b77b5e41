package dev.rtsync.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Matches every commit to the INVALIDATEs it caused. Commit {@code k} changes entity
 * {@code k mod entities}, so the commits of one entity are {@code e, e + E, e + 2E, ...} in commit
 * order, and an entity changes once every {@code entities / rate} seconds.
 *
 * <p>The server may fold several changes of an entity into one INVALIDATE carrying only the
 * newest version, and the version column's name is not ours to know. So an INVALIDATE for entity E
 * on a connection, with a version above the last one that connection saw for E, delivers every
 * commit of E that connection still awaits and that had started before the message arrived.
 * An INVALIDATE whose version is not above the last one is a duplicate. This is exact as long as
 * one entity's deliveries take less than its gap between changes, which the scenarios keep far
 * above the latencies measured (and report).
 *
 * <p>The first {@code warmUpCommits} commits warm the server up (its JIT compiles the delivery
 * path during them): they count for missing deliveries, but their latencies are kept apart from
 * the measured ones, as JMH keeps its warm-up iterations apart.
 */
final class DeliveryTracker {

    /** Latency samples kept at most; beyond this, deliveries are counted but not sampled. */
    static final int MAX_SAMPLES = 20_000_000;

    private final SubscriptionPlan plan;
    private final int plannedCommits;
    private final int warmUpCommits;
    private final AtomicLongArray commitStarted;   // System.nanoTime() before the UPDATE; 0 = not yet
    private final AtomicLongArray commitReturned;  // after the commit returned; 0 = not yet
    private final AtomicIntegerArray deliveredTo;  // per commit: connections it reached
    private final AtomicLongArray lastDelivery;    // per commit: when it reached the last of them
    private final long[] lastVersion;              // per slot, guarded by the slot's connection
    private final int[] nextPosition;              // per slot: position of the first commit still awaited
    private final long[] samples;
    private final int[] sampleCommits;             // per sample: the commit it timed, to split the phases
    private final AtomicInteger sampleCount = new AtomicInteger();
    private final long[] warmUpSamples;
    private final AtomicInteger warmUpSampleCount = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final AtomicLong beforeCommitReturned = new AtomicLong();
    private final Timeline timeline;
    private final AtomicInteger highestStarted = new AtomicInteger(-1);
    /** The first commit of the second phase (stuck clients present); past the plan while there is none. */
    private volatile int secondPhaseFrom = Integer.MAX_VALUE;

    DeliveryTracker(SubscriptionPlan plan, int plannedCommits, Timeline timeline) {
        this(plan, plannedCommits, 0, timeline);
    }

    DeliveryTracker(SubscriptionPlan plan, int plannedCommits, int warmUpCommits, Timeline timeline) {
        if (warmUpCommits < 0 || warmUpCommits >= plannedCommits) {
            throw new IllegalArgumentException("warm-up commits must be fewer than the planned " + plannedCommits);
        }
        this.plan = plan;
        this.plannedCommits = plannedCommits;
        this.warmUpCommits = warmUpCommits;
        this.commitStarted = new AtomicLongArray(plannedCommits);
        this.commitReturned = new AtomicLongArray(plannedCommits);
        this.deliveredTo = new AtomicIntegerArray(plannedCommits);
        this.lastDelivery = new AtomicLongArray(plannedCommits);
        int slots = plan.connections * plan.idsPerConnection;
        this.lastVersion = new long[slots];
        this.nextPosition = new int[slots];
        long warmUpAtMost = 0;
        long measuredAtMost = 0;
        for (int k = 0; k < plannedCommits; k++) {
            if (k < warmUpCommits) {
                warmUpAtMost += plan.subscribers(entityOf(k));
            } else {
                measuredAtMost += plan.subscribers(entityOf(k));
            }
        }
        this.samples = new long[(int) Math.min(measuredAtMost, MAX_SAMPLES)];
        this.sampleCommits = new int[samples.length];
        this.warmUpSamples = new long[(int) Math.min(warmUpAtMost, MAX_SAMPLES)];
        this.timeline = timeline;
    }

    int plannedCommits() {
        return plannedCommits;
    }

    int entityOf(int commit) {
        return commit % plan.entities;
    }

    void commitStarting(int commit, long nanos) {
        commitStarted.set(commit, nanos);
        highestStarted.accumulateAndGet(commit, Math::max);
    }

    /**
     * Splits the measured commits in two phases from the next commit to start on (the first one
     * with stuck clients present, say); {@link #firstPhaseLatencies} and {@link #secondPhaseLatencies}
     * then give each phase's latencies. Call once.
     */
    void startSecondPhase() {
        if (secondPhaseFrom != Integer.MAX_VALUE) {
            throw new IllegalStateException("the second phase already started");
        }
        secondPhaseFrom = Math.max(warmUpCommits, highestStarted.get() + 1);
    }

    /** The first commit of the second phase, or -1 without one. */
    int secondPhaseFrom() {
        return secondPhaseFrom == Integer.MAX_VALUE ? -1 : secondPhaseFrom;
    }

    /** The latencies of the measured commits before the second phase: all of them without one. */
    Percentiles firstPhaseLatencies() {
        return phaseLatencies(true);
    }

    /** The latencies of the commits of the second phase. */
    Percentiles secondPhaseLatencies() {
        return phaseLatencies(false);
    }

    private Percentiles phaseLatencies(boolean first) {
        int split = secondPhaseFrom;
        int n = Math.min(sampleCount.get(), samples.length);
        long[] phase = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if ((sampleCommits[i] < split) == first) {
                phase[count++] = samples[i];
            }
        }
        return Percentiles.of(phase, count);
    }

    void commitReturned(int commit, long nanos) {
        commitReturned.set(commit, nanos);
        timeline.committed(nanos);
    }

    /**
     * One change of an INVALIDATE that connection {@code connection} received at {@code nanos}.
     * Calls for one connection come one at a time (the WebSocket delivers its messages in order).
     */
    void received(int connection, String entityId, long version, long nanos) {
        int entity = plan.indexOf(entityId);
        int slot = entity < 0 ? -1 : plan.slotOf(connection, entity);
        if (slot < 0) {
            unexpected.incrementAndGet();
            return;
        }
        if (version <= lastVersion[slot] && version >= 0) {
            duplicates.incrementAndGet();
            return;
        }
        lastVersion[slot] = Math.max(version, lastVersion[slot]);
        int position = nextPosition[slot];
        boolean matched = false;
        while (true) {
            long commit = (long) position * plan.entities + entity;
            if (commit >= plannedCommits) {
                break;
            }
            int k = (int) commit;
            long started = commitStarted.get(k);
            if (started == 0 || started > nanos) {
                break;
            }
            long returned = commitReturned.get(k);
            long latency;
            if (returned == 0 || returned > nanos) {
                beforeCommitReturned.incrementAndGet(); // the push beat the database's reply to us
                latency = 0;
            } else {
                latency = nanos - returned;
            }
            record(k, latency, nanos);
            deliveredTo.incrementAndGet(k);
            lastDelivery.accumulateAndGet(k, nanos, Math::max);
            position++;
            matched = true;
        }
        nextPosition[slot] = position;
        if (!matched) {
            unexpected.incrementAndGet(); // a change we did not make, or not yet started
        }
    }

    private void record(int commit, long latency, long nanos) {
        delivered.incrementAndGet();
        if (commit < warmUpCommits) {
            int i = warmUpSampleCount.getAndIncrement();
            if (i < warmUpSamples.length) {
                warmUpSamples[i] = latency;
            }
        } else {
            int i = sampleCount.getAndIncrement();
            if (i < samples.length) {
                samples[i] = latency;
                sampleCommits[i] = commit;
            }
        }
        timeline.delivered(nanos, latency);
    }

    /** Deliveries the commits made so far should cause. */
    long expected() {
        long expected = 0;
        for (int k = 0; k < plannedCommits; k++) {
            if (commitReturned.get(k) != 0) {
                expected += plan.subscribers(entityOf(k));
            }
        }
        return expected;
    }

    int commitsDone() {
        int done = 0;
        for (int k = 0; k < plannedCommits; k++) {
            if (commitReturned.get(k) != 0) {
                done++;
            }
        }
        return done;
    }

    long delivered() {
        return delivered.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long unexpected() {
        return unexpected.get();
    }

    long beforeCommitReturned() {
        return beforeCommitReturned.get();
    }

    /** Latencies of the deliveries of the measured commits, those after the warm-up. */
    Percentiles latencies() {
        return Percentiles.of(samples, Math.min(sampleCount.get(), samples.length));
    }

    /** Latencies of the deliveries of the warm-up commits. */
    Percentiles warmUpLatencies() {
        return Percentiles.of(warmUpSamples, Math.min(warmUpSampleCount.get(), warmUpSamples.length));
    }

    /**
     * For each commit that reached every subscriber: the time from its commit returning to the
     * last subscriber receiving it. Commits still missing someone are left out (they count as
     * missing), and so are the warm-up's.
     */
    Percentiles fanOutTimes() {
        long[] times = new long[plannedCommits];
        int n = 0;
        for (int k = warmUpCommits; k < plannedCommits; k++) {
            long returned = commitReturned.get(k);
            if (returned != 0 && deliveredTo.get(k) == plan.subscribers(entityOf(k))) {
                times[n++] = Math.max(0, lastDelivery.get(k) - returned);
            }
        }
        return Percentiles.of(times, n);
    }

    /** Commits that reached fewer connections than subscribe to their entity. */
    int commitsMissingSomeone() {
        int n = 0;
        for (int k = 0; k < plannedCommits; k++) {
            if (commitReturned.get(k) != 0 && deliveredTo.get(k) < plan.subscribers(entityOf(k))) {
                n++;
            }
        }
        return n;
    }
}
