package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.MutableClock;
import dev.rtsync.application.fake.RecordingTelemetry;
import dev.rtsync.application.port.out.LogRetention;
import dev.rtsync.application.port.out.LogRetention.Deleted;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PruningTheLogTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    /** Answers each batch from a script, and remembers what it was asked. */
    private static final class ScriptedRetention implements LogRetention {
        final Deque<Deleted> answers;
        final List<Instant> cutoffs = new ArrayList<>();
        final List<Integer> limits = new ArrayList<>();

        ScriptedRetention(Deleted... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public Deleted deleteBatch(Instant cutoff, int limit) {
            cutoffs.add(cutoff);
            limits.add(limit);
            return answers.isEmpty() ? Deleted.NONE : answers.pop();
        }
    }

    private final MutableClock clock = new MutableClock(NOW);
    private final RecordingTelemetry telemetry = new RecordingTelemetry();

    @Test
    void a_round_deletes_batches_until_one_comes_back_short_and_reports_each() {
        ScriptedRetention retention = new ScriptedRetention(new Deleted(8, 2), new Deleted(10, 0), new Deleted(3, 1), new Deleted(10, 0));

        Deleted round = new PruneChangeLogUseCase(retention, clock, Duration.ofDays(30), 10, 100, telemetry).pruneOnce();

        assertThat(round).isEqualTo(new Deleted(21, 3));
        assertThat(retention.limits).containsExactly(10, 10, 10);
        assertThat(retention.cutoffs).containsOnly(NOW.minus(Duration.ofDays(30)));
        assertThat(telemetry.rowsDeleted).containsExactly(List.of(8, 2), List.of(10, 0), List.of(3, 1));
    }

    @Test
    void a_round_stops_after_its_batches_and_leaves_the_rest_to_the_next() {
        ScriptedRetention retention = new ScriptedRetention(new Deleted(10, 0), new Deleted(10, 0), new Deleted(10, 0));

        Deleted round = new PruneChangeLogUseCase(retention, clock, Duration.ofHours(1), 10, 2, telemetry).pruneOnce();

        assertThat(round.total()).isEqualTo(20);
        assertThat(retention.limits).hasSize(2);
    }

    @Test
    void nothing_to_delete_is_one_batch_reported_as_zero() {
        ScriptedRetention retention = new ScriptedRetention();

        assertThat(new PruneChangeLogUseCase(retention, clock, Duration.ofHours(1), 10, 5, telemetry).pruneOnce()).isEqualTo(Deleted.NONE);
        assertThat(retention.limits).hasSize(1);
    }

    @Test
    void an_age_that_is_not_positive_is_refused() {
        assertThatThrownBy(() -> new PruneChangeLogUseCase(new ScriptedRetention(), clock, Duration.ZERO, 10, 5, telemetry))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
