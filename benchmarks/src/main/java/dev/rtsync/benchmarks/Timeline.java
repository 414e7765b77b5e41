package dev.rtsync.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-second counts of commits and deliveries and the worst latency of each second, so a reader
 * can see whether the lag grows while the load lasts.
 */
final class Timeline {

    record Second(int second, long commits, long deliveries, long maxLatencyNanos) {
    }

    private final long start;
    private final int seconds;
    private final AtomicLongArray commits;
    private final AtomicLongArray deliveries;
    private final AtomicLongArray maxLatency;

    Timeline(long startNanos, int seconds) {
        this.start = startNanos;
        this.seconds = seconds;
        this.commits = new AtomicLongArray(seconds);
        this.deliveries = new AtomicLongArray(seconds);
        this.maxLatency = new AtomicLongArray(seconds);
    }

    private int secondOf(long nanos) {
        long s = (nanos - start) / 1_000_000_000L;
        return (int) Math.max(0, Math.min(seconds - 1, s));
    }

    void committed(long nanos) {
        commits.incrementAndGet(secondOf(nanos));
    }

    void delivered(long nanos, long latency) {
        int s = secondOf(nanos);
        deliveries.incrementAndGet(s);
        maxLatency.accumulateAndGet(s, latency, Math::max);
    }

    /** The seconds up to the last one in which anything happened. */
    List<Second> seconds() {
        int last = -1;
        for (int s = 0; s < seconds; s++) {
            if (commits.get(s) > 0 || deliveries.get(s) > 0) {
                last = s;
            }
        }
        List<Second> out = new ArrayList<>();
        for (int s = 0; s <= last; s++) {
            out.add(new Second(s, commits.get(s), deliveries.get(s), maxLatency.get(s)));
        }
        return out;
    }
}
