package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolPausesTest {

    @Test
    void stop_the_world_collectors_count_and_concurrent_ones_do_not() {
        assertThat(ToolPauses.isPause("G1 Young Generation")).isTrue();
        assertThat(ToolPauses.isPause("G1 Old Generation")).isTrue();
        assertThat(ToolPauses.isPause("ZGC Minor Pauses")).isTrue();
        assertThat(ToolPauses.isPause("Copy")).isTrue();
        assertThat(ToolPauses.isPause("G1 Concurrent GC")).isFalse();
        assertThat(ToolPauses.isPause("ZGC Major Cycles")).isFalse();
    }

    @Test
    void a_collection_of_this_jvm_is_counted() throws InterruptedException {
        try (ToolPauses pauses = new ToolPauses()) {
            System.gc();
            long deadline = System.nanoTime() + 5_000_000_000L; // notifications arrive on another thread
            while (pauses.count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(pauses.count()).isPositive();
            assertThat(pauses.totalMillis()).isGreaterThanOrEqualTo(pauses.maxMillis());
        }
    }
}
