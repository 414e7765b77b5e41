package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.WakeUp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change committed while an older transaction still runs is held back by the horizon; when that
 * transaction ends, no notification comes. The watcher must still look again soon, not at the
 * fallback poll.
 */
class HeldBackChangesTest {

    private static final Duration FALLBACK = Duration.ofSeconds(60);

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private PostgresChangeLog log;

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void a_change_held_back_by_an_older_transaction_is_read_soon_after_that_transaction_ends() throws Exception {
        log = new PostgresChangeLog(DB.database(), "a");
        try (Connection older = DB.connect(); Statement statement = older.createStatement()) {
            older.setAutoCommit(false);
            statement.execute("SELECT pg_current_xact_id()"); // an open transaction with an id: the horizon stops here
            DB.database().jdbi().useHandle(handle -> handle.execute("INSERT INTO app.project (name) VALUES ('held back')"));

            assertThat(log.awaitChanges(FALLBACK)).isEqualTo(WakeUp.NOTIFIED);
            assertThat(log.readPending(10)).as("behind the horizon").isEmpty();
            assertThat(log.awaitChanges(FALLBACK)).isEqualTo(WakeUp.HELD_BACK);
            assertThat(log.readPending(10)).isEmpty();

            older.commit(); // ends the older transaction; it logged nothing, so nothing is notified
        }
        // Each wake-up is HELD_BACK, never FALLBACK_POLL: the watcher looks again by itself, long before
        // the 60 s poll. It may take more than one look when another database's transaction on the same
        // server holds the horizon too (the test database is shared), so look until the row comes.
        List<LoggedChange> read = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read.isEmpty() && System.nanoTime() < deadline) {
            assertThat(log.awaitChanges(FALLBACK)).isEqualTo(WakeUp.HELD_BACK);
            read = log.readPending(10);
        }
        assertThat(read).hasSize(1);
        log.acknowledge(read, List.of());
        log.readPending(10);
        assertThat(log.awaitChanges(Duration.ofMillis(300))).as("caught up: back to notifications")
                .isEqualTo(WakeUp.FALLBACK_POLL);
    }
}
