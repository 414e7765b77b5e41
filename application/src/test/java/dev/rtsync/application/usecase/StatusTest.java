package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ServerMessage.StatusReport;
import dev.rtsync.application.usecase.StatusUseCase.StatusCommand;
import dev.rtsync.application.usecase.StatusUseCase.StatusResult;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase.UnsubscribeAllCommand;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** STATUS, an rtsync addition: a connection asks for its subscription count and its token's remaining life. */
class StatusTest extends RtsyncFixture {

    private final UserId alice = newUser();

    @Test
    void status_reports_the_running_total_of_subscriptions_and_the_tokens_remaining_life() {
        ConnectionId tab = connect(alice, Duration.ofMinutes(30));
        subscribe(tab, PROJECT, newEntities(3));
        subscribe(tab, TASK, newEntities(2));
        rtsync.clock.advance(Duration.ofSeconds(60).plusMillis(500));
        clients.clear();

        StatusResult result = rtsync.useCases.status().status(new StatusCommand(tab));

        assertThat(result).isEqualTo(new StatusResult.Reported(5, 29 * 60)); // 1739.5 s left, rounded up to 1740
        assertThat(clients.messagesTo(tab)).containsExactly(new StatusReport(tab, 5, 29 * 60));
    }

    @Test
    void each_connection_reports_its_own_subscriptions() {
        ConnectionId first = connect(alice);
        ConnectionId second = connect(alice);
        subscribe(first, PROJECT, newEntities(2));
        rtsync.useCases.unsubscribeAll().unsubscribeAll(new UnsubscribeAllCommand(second));

        assertThat(rtsync.useCases.status().status(new StatusCommand(first))).isInstanceOfSatisfying(
                StatusResult.Reported.class, report -> assertThat(report.subscriptions()).isEqualTo(2));
        assertThat(rtsync.useCases.status().status(new StatusCommand(second))).isInstanceOfSatisfying(
                StatusResult.Reported.class, report -> assertThat(report.subscriptions()).isZero());
    }

    @Test
    void an_expired_token_reports_zero_seconds_left() {
        ConnectionId tab = connect(alice, Duration.ofSeconds(10));
        rtsync.clock.advance(Duration.ofSeconds(11)); // the expiry check has not run yet

        assertThat(rtsync.useCases.status().status(new StatusCommand(tab))).isInstanceOfSatisfying(
                StatusResult.Reported.class, report -> assertThat(report.tokenExpiresInSeconds()).isZero());
        assertThat(clients.messagesTo(tab, StatusReport.class)).singleElement()
                .satisfies(report -> assertThat(report.tokenExpiresInSeconds()).isZero());
    }

    @Test
    void a_connection_that_is_not_open_gets_nothing() {
        ConnectionId gone = new ConnectionId("conn-gone");

        assertThat(rtsync.useCases.status().status(new StatusCommand(gone))).isEqualTo(new StatusResult.NotConnected());
        assertThat(clients.messagesTo(gone)).isEqualTo(List.of());
    }
}
