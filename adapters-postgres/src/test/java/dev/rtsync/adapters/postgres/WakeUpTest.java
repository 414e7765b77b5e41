package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.application.port.out.WakeUp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watcher hears of a commit well before its fallback poll. Only "well before" is asserted;
 * the latency itself is measured by {@code WakeUpBenchmark}.
 */
class WakeUpTest {

    private static final Duration FALLBACK = Duration.ofSeconds(60);

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();
    private PostgresChangeLog log;

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void a_commit_to_an_entity_table_wakes_the_watcher_long_before_the_fallback() throws Exception {
        log = new PostgresChangeLog(DB.database(), "a");
        CompletableFuture<WakeUp> wakeUp = waitInBackground(log, FALLBACK);

        DB.database().jdbi().useHandle(handle -> handle.execute("INSERT INTO app.task (name) VALUES ('wake up')"));

        assertThat(wakeUp.get(10, TimeUnit.SECONDS)).isEqualTo(WakeUp.NOTIFIED);
    }

    @Test
    void view_rows_alone_wake_nobody() throws Exception {
        log = new PostgresChangeLog(DB.database(), "a");
        DB.database().jdbi().useHandle(handle -> handle.execute(
                "INSERT INTO app.logging (entity_code, entity_id, action) VALUES ('project', gen_random_uuid(), 0)"));

        assertThat(log.awaitChanges(Duration.ofMillis(300))).isEqualTo(WakeUp.FALLBACK_POLL);
    }

    @Test
    void after_losing_its_connection_the_listener_reconnects_and_hears_commits_again() throws Exception {
        log = new PostgresChangeLog(DB.database(), "a");
        DB.database().jdbi().useHandle(handle -> handle.execute("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'rtsync-listener'"""));

        // The first wait notices the loss, reconnects and says "look", since a commit may have been missed.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> log.awaitChanges(Duration.ofMillis(200)) == WakeUp.NOTIFIED);
        assertThat(log.awaitChanges(Duration.ofMillis(200))).isEqualTo(WakeUp.FALLBACK_POLL);

        CompletableFuture<WakeUp> wakeUp = waitInBackground(log, FALLBACK);
        DB.database().jdbi().useHandle(handle -> handle.execute("INSERT INTO app.project (name) VALUES ('heard')"));

        assertThat(wakeUp.get(10, TimeUnit.SECONDS)).isEqualTo(WakeUp.NOTIFIED);
    }

    @Test
    void interrupting_the_waiting_thread_ends_the_wait() throws Exception {
        log = new PostgresChangeLog(DB.database(), "a");
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread watcher = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            try {
                log.awaitChanges(FALLBACK);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        waiting.await();

        watcher.interrupt();

        assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
    }

    /** Starts waiting and returns once the wait is under way, so the commit comes during it. */
    private static CompletableFuture<WakeUp> waitInBackground(PostgresChangeLog log, Duration fallback) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<WakeUp> wakeUp = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                return log.awaitChanges(fallback);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        started.await();
        return wakeUp;
    }
}
