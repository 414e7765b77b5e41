package dev.rtsync.adapters.metrics;

import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.port.out.ConnectionLevels;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.application.usecase.ConnectionRegistry;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.SubscriptionCap;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Each meter moves when the thing it counts happens, under the name an operator's dashboards use. */
class MicrometerTelemetryTest {

    private final MicrometerTelemetry telemetry = new MicrometerTelemetry();

    @AfterEach
    void close() {
        telemetry.close();
    }

    private double value(String series) {
        return Scrape.of(telemetry.scrape()).value(series);
    }

    @Test
    void messages_received_and_sent_are_counted_by_wire_type() {
        telemetry.messageReceived("PING");
        telemetry.messageReceived("PING");
        telemetry.messageReceived("UNREADABLE");
        telemetry.messageSent("PONG");

        assertThat(value("rtsync_messages_received_total{type=\"PING\"}")).isEqualTo(2);
        assertThat(value("rtsync_messages_received_total{type=\"UNREADABLE\"}")).isEqualTo(1);
        assertThat(value("rtsync_messages_sent_total{type=\"PONG\"}")).isEqualTo(1);
    }

    @Test
    void every_error_code_is_a_series_from_the_start_and_counts_its_errors() {
        assertThat(value("rtsync_errors_total{code=\"RATE_LIMITED\"}")).isZero();

        telemetry.errorSent(ErrorCode.RATE_LIMITED);

        assertThat(value("rtsync_errors_total{code=\"RATE_LIMITED\"}")).isEqualTo(1);
        assertThat(value("rtsync_errors_total{code=\"AUTH_FAILED\"}")).isZero();
    }

    @Test
    void wake_ups_are_counted_by_cause() {
        telemetry.wokeUp(WakeUp.NOTIFIED);
        telemetry.wokeUp(WakeUp.NOTIFIED);
        telemetry.wokeUp(WakeUp.FALLBACK_POLL);

        assertThat(value("rtsync_wakeups_total{cause=\"notified\"}")).isEqualTo(2);
        assertThat(value("rtsync_wakeups_total{cause=\"fallback_poll\"}")).isEqualTo(1);
    }

    @Test
    void connections_opened_by_outcome_and_closed_are_counted_from_the_start() {
        assertThat(value("rtsync_connections_opened_total{outcome=\"refused\"}")).isZero();
        telemetry.connectionOpened(true);
        telemetry.connectionOpened(true);
        telemetry.connectionOpened(false);
        telemetry.connectionClosed();

        assertThat(value("rtsync_connections_opened_total{outcome=\"admitted\"}")).isEqualTo(2);
        assertThat(value("rtsync_connections_opened_total{outcome=\"refused\"}")).isEqualTo(1);
        assertThat(value("rtsync_connections_closed_total")).isEqualTo(1);
    }

    @Test
    void connections_closed_before_their_upgrade_are_counted_by_reason_and_the_pending_ones_read_at_each_scrape() {
        java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger(3);
        telemetry.watchPendingConnections(pending::get);
        telemetry.pendingConnectionRefused();
        telemetry.pendingConnectionRefused();
        telemetry.pendingConnectionTimedOut();

        assertThat(value("rtsync_connections_pending_closed_total{reason=\"refused\"}")).isEqualTo(2);
        assertThat(value("rtsync_connections_pending_closed_total{reason=\"timed_out\"}")).isEqualTo(1);
        assertThat(value("rtsync_connections_pending")).isEqualTo(3);
        pending.set(1);
        assertThat(value("rtsync_connections_pending")).isEqualTo(1);
    }

    @Test
    void changes_delivered_and_slow_clients_are_counted() {
        telemetry.changesDelivered(3);
        telemetry.changesDelivered(0);
        telemetry.slowClientCutOff();

        assertThat(value("rtsync_changes_delivered_total")).isEqualTo(3);
        assertThat(value("rtsync_slow_clients_disconnected_total")).isEqualTo(1);
    }

    @Test
    void delivery_lag_is_a_histogram_in_seconds() {
        telemetry.deliveryLag(Duration.ofMillis(4));
        telemetry.deliveryLag(Duration.ofMillis(40));

        assertThat(value("rtsync_delivery_lag_seconds_count")).isEqualTo(2);
        assertThat(value("rtsync_delivery_lag_seconds_sum")).isCloseTo(0.044, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(value("rtsync_delivery_lag_seconds_bucket{le=\"0.005\"}")).isEqualTo(1);
        assertThat(value("rtsync_delivery_lag_seconds_bucket{le=\"0.05\"}")).isEqualTo(2);
        assertThat(value("rtsync_delivery_lag_seconds_bucket{le=\"+Inf\"}")).isEqualTo(2);
    }

    @Test
    void the_time_of_a_delivery_round_is_a_histogram_in_seconds() {
        telemetry.deliveryRound(Duration.ofMillis(3));
        telemetry.deliveryRound(Duration.ofMillis(300));

        assertThat(value("rtsync_delivery_round_seconds_count")).isEqualTo(2);
        assertThat(value("rtsync_delivery_round_seconds_sum")).isCloseTo(0.303, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(value("rtsync_delivery_round_seconds_bucket{le=\"0.005\"}")).isEqualTo(1);
        assertThat(value("rtsync_delivery_round_seconds_bucket{le=\"0.25\"}")).isEqualTo(1);
        assertThat(value("rtsync_delivery_round_seconds_bucket{le=\"0.5\"}")).isEqualTo(2);
    }

    @Test
    void instances_alive_declared_dead_rows_removed_for_them_and_rejoins_are_reported() {
        assertThat(value("rtsync_instances_declared_dead_total")).isZero();
        assertThat(value("rtsync_dead_instance_rows_removed_total{table=\"rxdb_subscription\"}")).isZero();

        telemetry.instancesAlive(3);
        telemetry.instancesAlive(2);
        telemetry.instancesDeclaredDead(1);
        telemetry.deadInstanceRowsRemoved(500, 0);
        telemetry.deadInstanceRowsRemoved(20, 1);
        telemetry.rejoinedAfterDeclaredDead();

        assertThat(value("rtsync_instances_alive")).isEqualTo(2);
        assertThat(value("rtsync_instances_declared_dead_total")).isEqualTo(1);
        assertThat(value("rtsync_dead_instance_rows_removed_total{table=\"rxdb_subscription\"}")).isEqualTo(520);
        assertThat(value("rtsync_dead_instance_rows_removed_total{table=\"rtsync_reader\"}")).isEqualTo(1);
        assertThat(value("rtsync_instance_rejoins_total")).isEqualTo(1);
    }

    @Test
    void rows_deleted_by_the_retention_are_counted_by_kind_from_the_start() {
        assertThat(value("rtsync_log_rows_deleted_total{kind=\"view\"}")).isZero();

        telemetry.logRowsDeleted(900, 100);
        telemetry.logRowsDeleted(3, 0);

        assertThat(value("rtsync_log_rows_deleted_total{kind=\"view\"}")).isEqualTo(903);
        assertThat(value("rtsync_log_rows_deleted_total{kind=\"change\"}")).isEqualTo(100);
    }

    @Test
    void rows_per_read_is_a_histogram() {
        telemetry.logRowsRead(0);
        telemetry.logRowsRead(7);

        assertThat(value("rtsync_log_read_rows_count")).isEqualTo(2);
        assertThat(value("rtsync_log_read_rows_sum")).isEqualTo(7);
        assertThat(value("rtsync_log_read_rows_bucket{le=\"1.0\"}")).isEqualTo(1);
        assertThat(value("rtsync_log_read_rows_bucket{le=\"10.0\"}")).isEqualTo(2);
    }

    @Test
    void connections_users_and_subscriptions_are_read_from_the_levels_at_each_scrape() {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger users = new AtomicInteger();
        AtomicInteger subscriptions = new AtomicInteger();
        telemetry.watchConnections(new ConnectionLevels() {
            @Override
            public int connectionCount() {
                return connections.get();
            }

            @Override
            public int userCount() {
                return users.get();
            }

            @Override
            public int subscriptionCount() {
                return subscriptions.get();
            }

            @Override
            public long subscriptionsRefused(SubscriptionCap cap) {
                return 0;
            }
        });
        assertThat(value("rtsync_connections")).isZero();

        connections.set(2);
        users.set(1);
        subscriptions.set(7);

        assertThat(value("rtsync_connections")).isEqualTo(2);
        assertThat(value("rtsync_users")).isEqualTo(1);
        assertThat(value("rtsync_subscriptions")).isEqualTo(7);
    }

    @Test
    void subscribes_refused_by_a_cap_are_counted_by_the_cap() {
        ConnectionRegistry connections = new ConnectionRegistry(ConnectionLimits.DEFAULTS);
        telemetry.watchConnections(connections);
        SubscriptionLimits limits = new SubscriptionLimits(2, 2, 3, 4);
        UserId alice = new UserId(UUID.randomUUID());
        Connection first = connection(alice, connections);
        Connection second = connection(alice, connections);
        Connection bobs = connection(new UserId(UUID.randomUUID()), connections);
        EntityCode project = EntityCode.of("project");
        first.subscribe(project, List.of(new EntityId(UUID.randomUUID()), new EntityId(UUID.randomUUID())), limits);
        first.subscribe(project, List.of(new EntityId(UUID.randomUUID())), limits); // the connection's cap
        second.subscribe(project, List.of(new EntityId(UUID.randomUUID()), new EntityId(UUID.randomUUID())), limits); // the user's
        second.subscribe(project, List.of(new EntityId(UUID.randomUUID())), limits);
        bobs.subscribe(project, List.of(new EntityId(UUID.randomUUID()), new EntityId(UUID.randomUUID())), limits); // the instance's

        assertThat(value("rtsync_subscriptions_refused_total{cap=\"connection\"}")).isEqualTo(1);
        assertThat(value("rtsync_subscriptions_refused_total{cap=\"user\"}")).isEqualTo(1);
        assertThat(value("rtsync_subscriptions_refused_total{cap=\"instance\"}")).isEqualTo(1);
        assertThat(value("rtsync_subscriptions")).isEqualTo(3);
    }

    @Test
    void the_pool_is_read_at_each_scrape() {
        AtomicInteger active = new AtomicInteger();
        telemetry.watchPool(active::get, () -> 3, () -> 0, () -> 10);
        active.set(2);

        assertThat(value("rtsync_db_pool_connections{state=\"active\"}")).isEqualTo(2);
        assertThat(value("rtsync_db_pool_connections{state=\"idle\"}")).isEqualTo(3);
        assertThat(value("rtsync_db_pool_connections_max")).isEqualTo(10);
        assertThat(value("rtsync_db_pool_waiting_threads")).isZero();
    }

    @Test
    void jvm_metrics_are_exposed() {
        Scrape scrape = Scrape.of(telemetry.scrape());

        assertThat(scrape.value("jvm_threads_live_threads")).isPositive();
        assertThat(scrape.names()).contains("jvm_memory_used_bytes", "process_uptime_seconds", "jvm_classes_loaded_classes");
    }

    private static Connection connection(UserId user, ConnectionRegistry registry) {
        return new Connection(new ConnectionId(UUID.randomUUID().toString()), user, Instant.now().plusSeconds(3600),
                registry.subscriptions());
    }
}
