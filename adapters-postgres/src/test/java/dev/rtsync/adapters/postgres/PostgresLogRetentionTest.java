package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.application.port.out.LogRetention.Deleted;
import dev.rtsync.application.port.out.LoggedChange;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The opt-in retention: old rows every instance has passed go, and old VIEW rows; nothing else. */
class PostgresLogRetentionTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private final List<PostgresChangeLog> logs = new ArrayList<>();

    @AfterEach
    void close() {
        logs.forEach(PostgresChangeLog::close);
    }

    @Test
    void rows_past_the_age_that_every_instance_passed_are_deleted_and_younger_rows_stay() {
        PostgresChangeLog reader = reader("a");
        insert(5, 1, "3 days"); // old changes
        insert(7, 0, "3 days"); // old VIEW rows
        insert(2, 1, "1 hour"); // young changes
        insert(4, 0, "1 hour"); // young VIEW rows
        readEverything(reader, 7);

        Deleted deleted = retention().deleteBatch(Instant.now().minus(Duration.ofDays(1)), 100);

        assertThat(deleted).isEqualTo(new Deleted(7, 5));
        assertThat(count("true")).isEqualTo(6);
        assertThat(count("created_ts < now() - interval '1 day'")).isZero();
    }

    @Test
    void changes_an_instance_has_not_passed_stay_while_old_view_rows_go() {
        PostgresChangeLog ahead = reader("ahead");
        reader("behind"); // registered, and reads nothing from here on
        insert(3, 4, "3 days");
        insert(2, 0, "3 days");
        readEverything(ahead, 3);

        Deleted deleted = retention().deleteBatch(Instant.now().minus(Duration.ofDays(1)), 100);

        assertThat(deleted).isEqualTo(new Deleted(2, 0));
        assertThat(count("action <> 0")).as("not yet passed by 'behind'").isEqualTo(3);
    }

    @Test
    void with_no_instance_registered_only_view_rows_go() {
        insert(3, 1, "3 days");
        insert(2, 0, "3 days");

        assertThat(retention().deleteBatch(Instant.now().minus(Duration.ofDays(1)), 100)).isEqualTo(new Deleted(2, 0));
    }

    @Test
    void one_batch_deletes_at_most_its_limit() {
        insert(25, 0, "3 days");

        assertThat(retention().deleteBatch(Instant.now().minus(Duration.ofDays(1)), 10).total()).isEqualTo(10);
        assertThat(count("true")).isEqualTo(15);
    }

    @Test
    void what_every_instance_passed_is_bounded_by_the_slowest_reader() {
        reader("x");
        insert(2, 1, "1 minute");
        PostgresChangeLog y = reader("y");
        insert(1, 1, "1 minute");
        readEverything(y, 1);

        String passedBelow = jdbi().withHandle(handle -> handle.createQuery(
                "SELECT app.rtsync_passed_below()::text").mapTo(String.class).one());
        String x = jdbi().withHandle(handle -> handle.createQuery(
                "SELECT pg_snapshot_xmin(read_from)::text FROM app.rtsync_reader WHERE instance_id = 'x'").mapTo(String.class).one());
        assertThat(passedBelow).isEqualTo(x);
    }

    private PostgresChangeLog reader(String instance) {
        // Positions stored at every acknowledgement, as the retention reads them from the table.
        PostgresChangeLog log = new PostgresChangeLog(DB.database(), instance, Duration.ZERO);
        logs.add(log);
        return log;
    }

    /** Reads and acknowledges until {@code changes} rows were handed on. */
    private static void readEverything(PostgresChangeLog log, int changes) {
        List<LoggedChange> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<LoggedChange> batch = log.readPending(1000);
            if (!batch.isEmpty()) {
                log.acknowledge(batch, List.of());
                seen.addAll(batch);
            }
            return seen.size() >= changes;
        });
    }

    private static void insert(int rows, int action, String age) {
        jdbi().useHandle(handle -> handle.execute("""
                INSERT INTO app.logging (entity_code, entity_id, action, created_ts)
                SELECT 'project', gen_random_uuid(), ?, now() - CAST(? AS interval) FROM generate_series(1, ?)""",
                action, age, rows));
    }

    private static int count(String condition) {
        return jdbi().withHandle(handle -> handle.createQuery("SELECT count(*) FROM app.logging WHERE " + condition)
                .mapTo(Integer.class).one());
    }

    private static PostgresLogRetention retention() {
        return new PostgresLogRetention(DB.database());
    }

    private static Jdbi jdbi() {
        return DB.database().jdbi();
    }
}
