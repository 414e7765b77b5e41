package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.RecordingTelemetry;
import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The delivery use case tells {@link Telemetry} what an operator watches: rows read, changes delivered, lag, round time. */
class ReportingTelemetryTest extends RtsyncFixture {

    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final DeliverPendingChangesUseCase deliver = new DeliverPendingChangesUseCase(
            rtsync.changeLog, rtsync.registry, rtsync.clients, rtsync.clock, 2, telemetry);

    @Test
    void every_read_reports_its_rows_and_every_row_its_lag_from_logged_to_sent() {
        List<EntityId> projects = newEntities(3);
        ConnectionId tab = connect(newUser());
        subscribe(tab, PROJECT, projects.subList(0, 2));

        rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        rtsync.clock.advance(Duration.ofMillis(30));
        rtsync.log.append(PROJECT, projects.get(1), ChangeAction.EDIT);
        rtsync.log.append(PROJECT, projects.get(2), ChangeAction.EDIT); // nobody watches it: read, not delivered
        rtsync.clock.advance(Duration.ofMillis(20));
        deliver.deliverPending();

        assertThat(telemetry.rowsRead).containsExactly(2, 1); // batch size 2: a full batch, then the rest
        assertThat(telemetry.changesDelivered).containsExactly(2, 0);
        assertThat(telemetry.lags).containsExactly(Duration.ofMillis(50), Duration.ofMillis(20), Duration.ofMillis(20));
    }

    @Test
    void an_empty_read_is_reported_as_zero_rows() {
        deliver.deliverPending();

        assertThat(telemetry.rowsRead).containsExactly(0);
        assertThat(telemetry.lags).isEmpty();
    }

    @Test
    void a_row_logged_by_a_clock_ahead_of_ours_counts_as_no_lag() {
        rtsync.clock.advance(Duration.ofSeconds(1));
        rtsync.log.append(PROJECT, newEntity(), ChangeAction.EDIT);
        rtsync.clock.advance(Duration.ofSeconds(-1));

        deliver.deliverPending();

        assertThat(telemetry.lags).containsExactly(Duration.ZERO);
    }

    @Test
    void each_batch_with_rows_reports_its_time_from_the_read_to_the_acknowledgement() {
        // Reading takes 3 ms and acknowledging 4 ms on this change log's clock.
        ChangeLog slow = new ChangeLog() {
            @Override
            public List<LoggedChange> readPending(int limit) {
                rtsync.clock.advance(Duration.ofMillis(3));
                return rtsync.changeLog.readPending(limit);
            }

            @Override
            public void acknowledge(List<LoggedChange> handled, Collection<LoggedChange> failed) {
                rtsync.clock.advance(Duration.ofMillis(4));
                rtsync.changeLog.acknowledge(handled, failed);
            }

            @Override
            public WakeUp awaitChanges(Duration fallback) throws InterruptedException {
                return rtsync.changeLog.awaitChanges(fallback);
            }
        };
        DeliverPendingChangesUseCase timed = new DeliverPendingChangesUseCase(
                slow, rtsync.registry, rtsync.clients, rtsync.clock, 2, telemetry);
        List<EntityId> projects = newEntities(3);
        ConnectionId tab = connect(newUser());
        subscribe(tab, PROJECT, projects);
        projects.forEach(project -> rtsync.log.append(PROJECT, project, ChangeAction.EDIT));

        timed.deliverPending();

        // Two batches of at most 2 rows (2, then the last one): 3 + 4 ms each.
        assertThat(telemetry.rounds).containsExactly(Duration.ofMillis(7), Duration.ofMillis(7));
    }

    @Test
    void a_read_that_found_nothing_is_not_a_round() {
        deliver.deliverPending();

        assertThat(telemetry.rounds).isEmpty();
    }
}
