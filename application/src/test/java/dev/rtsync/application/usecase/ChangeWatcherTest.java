package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.RecordingTelemetry;
import dev.rtsync.application.message.ServerMessage.Invalidate;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ChangeWatcherTest extends RtsyncFixture {

    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private Thread thread;

    private void startWatcher(Duration fallback) {
        ChangeWatcher watcher = new ChangeWatcher(rtsync.deliverPendingChanges, rtsync.changeLog, fallback,
                telemetry);
        thread = Thread.ofPlatform().name("change-watcher-test").start(watcher);
    }

    @AfterEach
    void stopWatcher() throws InterruptedException {
        thread.interrupt();
        thread.join(5_000);
        assertThat(thread.isAlive()).as("the watcher stops when interrupted").isFalse();
    }

    @Test
    void a_logged_change_is_delivered_without_waiting_for_the_fallback_poll() {
        ConnectionId tab = connect(newUser());
        EntityId project = newEntity();
        subscribe(tab, PROJECT, List.of(project));
        startWatcher(Duration.ofMinutes(10));

        rtsync.log.append(PROJECT, project, ChangeAction.EDIT);

        await().atMost(Duration.ofSeconds(5)).until(() -> !clients.messagesTo(tab, Invalidate.class).isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> telemetry.wakeUps.contains(WakeUp.NOTIFIED));
    }

    @Test
    void after_a_failed_round_the_watcher_retries_long_before_the_fallback_poll() throws InterruptedException {
        ConnectionId tab = connect(newUser());
        EntityId project = newEntity();
        subscribe(tab, PROJECT, List.of(project));
        rtsync.log.setUnavailable(true);
        startWatcher(Duration.ofMinutes(10));
        rtsync.log.append(PROJECT, project, ChangeAction.EDIT); // its notification arrives while the log fails
        Thread.sleep(300);

        rtsync.log.setUnavailable(false); // no notification follows: only a retry delivers it

        await().atMost(Duration.ofSeconds(5)).until(() -> !clients.messagesTo(tab, Invalidate.class).isEmpty());
    }

    @Test
    void an_unreachable_log_is_retried_and_nothing_is_lost() throws InterruptedException {
        ConnectionId tab = connect(newUser());
        EntityId project = newEntity();
        subscribe(tab, PROJECT, List.of(project));
        rtsync.log.setUnavailable(true);
        startWatcher(Duration.ofMillis(50));

        rtsync.log.append(PROJECT, project, ChangeAction.EDIT);
        Thread.sleep(300); // several failed rounds
        assertThat(clients.messagesTo(tab, Invalidate.class)).isEmpty();
        rtsync.log.setUnavailable(false);

        await().atMost(Duration.ofSeconds(5)).until(() -> !clients.messagesTo(tab, Invalidate.class).isEmpty());
    }
}
