package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTrackerTest {

    private static final long MS = 1_000_000;

    // 4 connections, 1 id each, 2 subscribers per entity: entity 0 <- connections 0 and 2, entity 1 <- 1 and 3.
    private final SubscriptionPlan plan = new SubscriptionPlan(4, 1, 2);
    private final DeliveryTracker tracker = new DeliveryTracker(plan, 4, new Timeline(0, 10));

    private void commit(int k, long startMs, long returnMs) {
        tracker.commitStarting(k, startMs * MS);
        tracker.commitReturned(k, returnMs * MS);
    }

    @Test
    void each_commit_is_expected_at_each_subscriber_and_timed_from_its_return() {
        commit(0, 100, 102); // entity 0
        tracker.received(0, plan.idOf(0), 10, 105 * MS);
        tracker.received(2, plan.idOf(0), 10, 110 * MS);

        assertThat(tracker.expected()).isEqualTo(2);
        assertThat(tracker.delivered()).isEqualTo(2);
        assertThat(tracker.latencies().percentile(50)).isEqualTo(3 * MS);
        assertThat(tracker.latencies().max()).isEqualTo(8 * MS);
        assertThat(tracker.fanOutTimes().max()).isEqualTo(8 * MS);
        assertThat(tracker.commitsMissingSomeone()).isZero();
    }

    @Test
    void one_invalidate_with_the_newest_version_delivers_the_changes_it_folded() {
        commit(0, 100, 101); // entity 0, version 10 on the server
        commit(2, 103, 104); // entity 0 again, version 12
        tracker.received(0, plan.idOf(0), 12, 110 * MS);

        assertThat(tracker.delivered()).isEqualTo(2);
        assertThat(tracker.latencies().max()).isEqualTo(9 * MS);
        assertThat(tracker.commitsMissingSomeone()).isEqualTo(2); // connection 2 got neither
        assertThat(tracker.expected() - tracker.delivered()).isEqualTo(2);
    }

    @Test
    void an_old_version_again_is_a_duplicate_not_a_delivery() {
        commit(0, 100, 101);
        tracker.received(0, plan.idOf(0), 10, 105 * MS);
        tracker.received(0, plan.idOf(0), 10, 106 * MS);

        assertThat(tracker.delivered()).isEqualTo(1);
        assertThat(tracker.duplicates()).isEqualTo(1);
    }

    @Test
    void a_change_nobody_made_or_for_a_foreign_entity_is_unexpected() {
        tracker.received(0, plan.idOf(0), 5, 50 * MS); // nothing committed yet
        tracker.received(0, plan.idOf(1), 6, 50 * MS); // connection 0 does not watch entity 1
        tracker.received(0, "00000000-0000-0000-0000-000000000000", 7, 50 * MS);

        assertThat(tracker.unexpected()).isEqualTo(3);
        assertThat(tracker.delivered()).isZero();
    }

    @Test
    void a_push_that_beats_the_commits_return_counts_as_zero() {
        tracker.commitStarting(1, 100 * MS); // entity 1; the commit has not returned yet
        tracker.received(1, plan.idOf(1), 10, 101 * MS);

        assertThat(tracker.delivered()).isEqualTo(1);
        assertThat(tracker.beforeCommitReturned()).isEqualTo(1);
        assertThat(tracker.latencies().max()).isZero();
    }

    @Test
    void the_warm_up_commits_count_for_missing_but_not_in_the_measured_latencies() {
        DeliveryTracker warmed = new DeliveryTracker(plan, 4, 2, new Timeline(0, 10));
        warmed.commitStarting(0, 100 * MS); // warm-up: entity 0
        warmed.commitReturned(0, 101 * MS);
        warmed.commitStarting(1, 100 * MS); // warm-up: entity 1, reaches one of its two subscribers
        warmed.commitReturned(1, 101 * MS);
        warmed.commitStarting(2, 200 * MS); // measured: entity 0
        warmed.commitReturned(2, 201 * MS);
        warmed.received(0, plan.idOf(0), 10, 151 * MS);
        warmed.received(2, plan.idOf(0), 10, 161 * MS);
        warmed.received(1, plan.idOf(1), 11, 171 * MS);
        warmed.received(0, plan.idOf(0), 12, 203 * MS);
        warmed.received(2, plan.idOf(0), 12, 204 * MS);

        assertThat(warmed.latencies().count()).isEqualTo(2);
        assertThat(warmed.latencies().max()).isEqualTo(3 * MS);
        assertThat(warmed.warmUpLatencies().count()).isEqualTo(3);
        assertThat(warmed.warmUpLatencies().max()).isEqualTo(70 * MS);
        assertThat(warmed.fanOutTimes().count()).isEqualTo(1);
        assertThat(warmed.fanOutTimes().max()).isEqualTo(3 * MS);
        assertThat(warmed.expected() - warmed.delivered()).isEqualTo(1); // the warm-up's miss still counts
        assertThat(warmed.commitsMissingSomeone()).isEqualTo(1);
    }

    @Test
    void the_latencies_of_the_commits_started_after_the_second_phase_began_are_kept_apart() {
        commit(0, 100, 101); // entity 0, before the stuck clients
        commit(1, 102, 103); // entity 1, before
        tracker.startSecondPhase();
        commit(2, 200, 201); // entity 0, with the stuck clients
        tracker.received(0, plan.idOf(0), 10, 105 * MS);
        tracker.received(1, plan.idOf(1), 10, 107 * MS);
        tracker.received(0, plan.idOf(0), 11, 251 * MS);

        assertThat(tracker.secondPhaseFrom()).isEqualTo(2);
        assertThat(tracker.firstPhaseLatencies().count()).isEqualTo(2);
        assertThat(tracker.firstPhaseLatencies().max()).isEqualTo(4 * MS);
        assertThat(tracker.secondPhaseLatencies().count()).isEqualTo(1);
        assertThat(tracker.secondPhaseLatencies().max()).isEqualTo(50 * MS);
        assertThat(tracker.latencies().count()).isEqualTo(3);
    }

    @Test
    void without_a_second_phase_the_first_holds_every_measured_latency() {
        commit(0, 100, 101);
        tracker.received(0, plan.idOf(0), 10, 105 * MS);

        assertThat(tracker.secondPhaseFrom()).isEqualTo(-1);
        assertThat(tracker.firstPhaseLatencies().count()).isEqualTo(1);
        assertThat(tracker.secondPhaseLatencies().count()).isZero();
    }
}
