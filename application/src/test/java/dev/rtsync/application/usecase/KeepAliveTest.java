package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.InMemoryInstances;
import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.fake.InMemorySubscriptionStore;
import dev.rtsync.application.fake.RecordingTelemetry;
import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.application.usecase.KeepAliveUseCase.Beat;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Instances that come and go, seen from instance-a: its heartbeats, its clean-up of others, and its return from the dead. */
class KeepAliveTest extends RtsyncFixture {

    private static final Duration INTERVAL = InMemoryRtsync.HEARTBEAT_INTERVAL;
    private static final Duration DEAD_AFTER = InMemoryRtsync.DEAD_AFTER;

    private final InMemoryInstances instances = rtsync.instances;
    private final RecordingTelemetry telemetry = rtsync.telemetry;
    private final KeepAliveUseCase keepAlive = rtsync.keepAlive;
    private final InstanceRegistry other = instances.registryOf("instance-b");

    @BeforeEach
    void register() {
        instances.registryOf(InMemoryRtsync.INSTANCE).register();
        other.register();
    }

    /** Beats every interval for {@code duration}; instance-b stays silent throughout. */
    private void beatFor(Duration duration) {
        for (Duration passed = Duration.ZERO; passed.compareTo(duration) < 0; passed = passed.plus(INTERVAL)) {
            rtsync.clock.advance(INTERVAL);
            assertThat(keepAlive.beat()).isEqualTo(Beat.ALIVE);
        }
    }

    @Test
    void a_heartbeat_reports_the_instances_alive() {
        assertThat(keepAlive.beat()).isEqualTo(Beat.ALIVE);

        assertThat(telemetry.instancesAlive).containsExactly(2);
    }

    @Test
    void a_silent_instance_is_declared_dead_and_its_rows_removed_only_after_this_one_beat_for_the_whole_dead_time() {
        UserId bob = newUser();
        new InMemorySubscriptionStore(rtsync.subscriptionRows, "instance-b")
                .add(new ConnectionId("b-1"), bob, PROJECT, newEntities(3));
        ConnectionId mine = connect(bob);
        subscribe(mine, PROJECT, newEntities(2));

        keepAlive.beat();
        beatFor(DEAD_AFTER.minus(INTERVAL));
        assertThat(keepAlive.cleanUp().judged()).as("not yet a whole dead time of heartbeats").isFalse();

        beatFor(INTERVAL.multipliedBy(2)); // instance-b now silent for longer than the dead time
        KeepAliveUseCase.CleanUpReport report = keepAlive.cleanUp();

        assertThat(report.declaredDead()).containsExactly("instance-b");
        assertThat(report.removed()).isEqualTo(new InstanceRegistry.Removed(3, 1));
        assertThat(rtsync.subscriptionRows.size()).as("instance-a's own rows stay").isEqualTo(2);
        assertThat(telemetry.instancesDeclaredDead).hasValue(1);
        assertThat(telemetry.deadSubscriptionsRemoved).hasValue(3);
        assertThat(telemetry.deadReadersRemoved).hasValue(1);
        assertThat(other.heartbeat(DEAD_AFTER).alive()).isFalse();
    }

    @Test
    void after_a_gap_in_its_own_heartbeats_an_instance_waits_a_whole_dead_time_again_before_judging() {
        keepAlive.beat();
        beatFor(DEAD_AFTER);
        rtsync.clock.advance(DEAD_AFTER); // this instance itself was paused
        other.heartbeat(DEAD_AFTER);      // while instance-b went on beating (its last beat just now)

        assertThat(keepAlive.beat()).isEqualTo(Beat.ALIVE);
        assertThat(keepAlive.cleanUp().judged()).isFalse();
    }

    @Test
    void an_unreachable_database_is_no_death_but_restarts_the_wait_before_judging() {
        keepAlive.beat();
        beatFor(DEAD_AFTER);
        instances.setUnavailable(true);
        rtsync.clock.advance(INTERVAL);

        assertThat(keepAlive.beat()).isEqualTo(Beat.UNREACHABLE);
        instances.setUnavailable(false);
        beatFor(INTERVAL);
        assertThat(keepAlive.cleanUp().judged()).isFalse();
        beatFor(DEAD_AFTER);
        assertThat(keepAlive.cleanUp().declaredDead()).containsExactly("instance-b");
    }

    @Test
    void an_instance_declared_dead_registers_afresh_then_closes_the_connections_it_held_and_keeps_new_ones() {
        ConnectionId first = connect(newUser());
        ConnectionId second = connect(newUser());
        subscribe(first, PROJECT, newEntities(2));
        subscribe(second, PROJECT, newEntities(1));
        instances.silence("instance-a", DEAD_AFTER.plusSeconds(1));
        other.declareSilentInstancesDead(DEAD_AFTER, 10);
        other.removeRowsOfDeadInstances(100);
        assertThat(instances.hasReaderPosition("instance-a")).isFalse();

        assertThat(keepAlive.beat()).isEqualTo(Beat.REJOINED);

        assertThat(clients.closeReasonOf(first)).contains(CloseReason.INSTANCE_DECLARED_DEAD);
        assertThat(clients.closeReasonOf(second)).contains(CloseReason.INSTANCE_DECLARED_DEAD);
        assertThat(rtsync.registry.connectionCount()).isZero();
        assertThat(instances.hasReaderPosition("instance-a")).isTrue();
        assertThat(telemetry.rejoins).hasValue(1);

        ConnectionId later = connect(newUser());
        subscribe(later, PROJECT, newEntities(1));
        rtsync.clock.advance(INTERVAL);
        assertThat(keepAlive.beat()).isEqualTo(Beat.ALIVE);
        assertThat(clients.closeReasonOf(later)).isEmpty();
        assertThat(rtsync.subscriptionRows.size()).isEqualTo(1);
        assertThat(List.copyOf(telemetry.instancesAlive)).last().isEqualTo(2);
    }

    @Test
    void a_registration_that_fails_halfway_is_retried_whole_and_the_connections_held_before_are_still_closed() {
        ConnectionId held = connect(newUser());
        subscribe(held, PROJECT, newEntities(2));
        instances.silence("instance-a", DEAD_AFTER.plusSeconds(1));
        other.declareSilentInstancesDead(DEAD_AFTER, 10);
        instances.setRegistrationFailsHalfway(true);

        assertThat(keepAlive.beat()).isEqualTo(Beat.UNREACHABLE);
        assertThat(clients.closeReasonOf(held)).isEmpty();
        instances.setRegistrationFailsHalfway(false);

        rtsync.clock.advance(INTERVAL);
        assertThat(keepAlive.beat()).isEqualTo(Beat.REJOINED);
        assertThat(clients.closeReasonOf(held)).contains(CloseReason.INSTANCE_DECLARED_DEAD);
        rtsync.clock.advance(INTERVAL);
        assertThat(keepAlive.beat()).isEqualTo(Beat.ALIVE);
    }
}
