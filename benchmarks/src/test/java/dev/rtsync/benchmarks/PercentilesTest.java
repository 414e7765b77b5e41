package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PercentilesTest {

    @Test
    void uses_the_nearest_rank() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // 1..100, unsorted
        }
        Percentiles p = Percentiles.of(samples, 100);

        assertThat(p.percentile(50)).isEqualTo(50);
        assertThat(p.percentile(95)).isEqualTo(95);
        assertThat(p.percentile(99)).isEqualTo(99);
        assertThat(p.percentile(100)).isEqualTo(100);
        assertThat(p.percentile(0.5)).isEqualTo(1);
        assertThat(p.max()).isEqualTo(100);
        assertThat(p.min()).isEqualTo(1);
    }

    @Test
    void small_samples_round_up_to_a_real_sample() {
        Percentiles p = Percentiles.of(new long[]{30, 10, 20}, 3);

        assertThat(p.percentile(50)).isEqualTo(20);
        assertThat(p.percentile(99)).isEqualTo(30);
        assertThat(p.percentile(1)).isEqualTo(10);
    }

    @Test
    void only_the_first_count_samples_count() {
        Percentiles p = Percentiles.of(new long[]{5, 1, 999, 999}, 2);

        assertThat(p.count()).isEqualTo(2);
        assertThat(p.max()).isEqualTo(5);
    }

    @Test
    void no_samples_read_as_not_available() {
        Percentiles p = Percentiles.of(new long[0], 0);

        assertThat(p.percentile(99)).isEqualTo(-1);
        assertThat(Percentiles.millis(p.max())).isEqualTo("n/a");
        assertThat(Percentiles.millis(1_234_567)).isEqualTo("1.23");
    }

    @Test
    void refuses_a_percentile_outside_zero_to_hundred() {
        Percentiles p = Percentiles.of(new long[]{1}, 1);

        assertThatThrownBy(() -> p.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
