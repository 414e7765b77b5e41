package dev.rtsync.benchmarks;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, summarised by the nearest-rank method: p-th percentile is the
 * smallest sample with at least p % of the samples at or below it. Exact, no histogram buckets;
 * a run holds at most some millions of samples, a few tens of MB.
 */
final class Percentiles {

    private final long[] sorted;

    private Percentiles(long[] sorted) {
        this.sorted = sorted;
    }

    /** Sorts a copy of the first {@code count} samples. */
    static Percentiles of(long[] samples, int count) {
        long[] copy = Arrays.copyOf(samples, count);
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    int count() {
        return sorted.length;
    }

    /** The nearest-rank percentile, {@code p} in (0, 100]; -1 when there are no samples. */
    long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]");
        }
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    long max() {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    long min() {
        return sorted.length == 0 ? -1 : sorted[0];
    }

    /** Milliseconds with two decimals, or "n/a" with no samples. */
    static String millis(long nanos) {
        return nanos < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
