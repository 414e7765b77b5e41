package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader's correctness beyond the port contract: batching, late commits, several instances, crashes. */
class PostgresChangeLogReaderTest {

    private static final EntityCode PROJECT = EntityCode.of("project");

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    @Test
    void more_rows_than_one_batch_are_read_in_order_across_batches_exactly_once() {
        PostgresChangeLog log = changeLog(DB.database(), "a");
        List<Long> logged = IntStream.range(0, 25).mapToObj(i -> logChange(ChangeAction.EDIT)).toList();

        List<Long> delivered = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        for (List<LoggedChange> batch = log.readPending(10); !batch.isEmpty(); batch = log.readPending(10)) {
            batchSizes.add(batch.size());
            batch.forEach(change -> delivered.add(change.sequence()));
            log.acknowledge(batch, List.of());
        }

        assertThat(batchSizes).containsExactly(10, 10, 5);
        assertThat(delivered).containsExactlyElementsOf(logged);
    }

    @Test
    void a_transaction_that_commits_after_a_later_one_is_not_skipped() throws SQLException {
        PostgresChangeLog log = changeLog(DB.database(), "a");
        long before = logChange(ChangeAction.EDIT);
        try (Connection early = DB.connect(); Connection late = DB.connect()) {
            early.setAutoCommit(false);
            late.setAutoCommit(false);
            long earlySeq = insertLogRow(early); // takes the lower sequence and transaction id...
            long lateSeq = insertLogRow(late);
            late.commit();                        // ...but commits last
            assertThat(lateSeq).isGreaterThan(earlySeq);

            List<LoggedChange> whileEarlyRuns = log.readPending(10);
            log.acknowledge(whileEarlyRuns, List.of());

            assertThat(whileEarlyRuns).extracting(LoggedChange::sequence)
                    .as("the late commit is read at once, not held back by the open earlier transaction")
                    .containsExactly(before, lateSeq);

            early.commit();
            List<LoggedChange> afterwards = log.readPending(10);
            log.acknowledge(afterwards, List.of());

            assertThat(afterwards).extracting(LoggedChange::sequence).containsExactly(earlySeq);
            assertThat(log.readPending(10)).isEmpty();
        }
    }

    @Test
    void a_transaction_that_took_its_id_first_but_logs_last_is_not_skipped() throws SQLException {
        PostgresChangeLog log = changeLog(DB.database(), "a");
        try (Connection slow = DB.connect(); Connection fast = DB.connect()) {
            slow.setAutoCommit(false);
            fast.setAutoCommit(false);
            try (PreparedStatement statement = slow.prepareStatement("SELECT pg_current_xact_id()")) {
                statement.execute(); // the slow transaction holds the older transaction id
            }
            long fastSeq = insertLogRow(fast);
            fast.commit();
            List<LoggedChange> whileSlowRuns = log.readPending(10);
            log.acknowledge(whileSlowRuns, List.of());
            long slowSeq = insertLogRow(slow); // a higher sequence from the older transaction
            List<LoggedChange> whileSlowRunsWithItsRow = log.readPending(10);
            slow.commit();
            List<LoggedChange> afterwards = log.readPending(10);
            log.acknowledge(afterwards, List.of());

            assertThat(whileSlowRuns).extracting(LoggedChange::sequence).containsExactly(fastSeq);
            assertThat(whileSlowRunsWithItsRow).isEmpty();
            assertThat(afterwards).extracting(LoggedChange::sequence).containsExactly(slowSeq);
        }
    }

    /**
     * The first finding: a writing transaction left open in another database of the same
     * server (transaction ids and snapshots are the server's) held every delivery back until it ended.
     */
    @Test
    void a_write_transaction_open_in_another_database_holds_nothing_back() throws SQLException {
        PostgresChangeLog log = changeLog(DB.database(), "a");
        try (TestDatabase elsewhere = TestDatabase.create(); Connection other = elsewhere.connect();
             Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.execute("CREATE TABLE batch_job (id int)");
            statement.execute("INSERT INTO batch_job VALUES (1)");

            long committed = logChange(ChangeAction.EDIT);
            List<LoggedChange> whileOpen = log.readPending(10);
            log.acknowledge(whileOpen, List.of());
            long next = logChange(ChangeAction.EDIT);
            List<LoggedChange> stillOpen = log.readPending(10);
            log.acknowledge(stillOpen, List.of());

            assertThat(transactionIdOf(other)).as("the other database's transaction is still open").isNotNull();
            assertThat(whileOpen).extracting(LoggedChange::sequence).containsExactly(committed);
            assertThat(stillOpen).extracting(LoggedChange::sequence).containsExactly(next);
            other.rollback();
        }
    }

    /**
     * One transaction that logs more rows than a batch (the default RTSYNC_BATCH_SIZE, 2,000) is read
     * in batches against one snapshot, so rows committed meanwhile neither slip in between its rows
     * nor get lost: each row exactly once, the big transaction's in order, then what committed after it.
     */
    @Test
    void a_transaction_of_100_000_rows_is_read_whole_and_once_without_stalling_the_rows_after_it() throws SQLException {
        PostgresChangeLog log = changeLog(DB.database(), "a");
        int batchSize = 2000;
        long before = logChange(ChangeAction.EDIT);
        List<Long> big;
        long whileBigWasOpen;
        try (Connection bulk = DB.connect()) {
            bulk.setAutoCommit(false);
            big = insertLogRows(bulk, 100_000);
            whileBigWasOpen = logChange(ChangeAction.EDIT);
            List<LoggedChange> whileOpen = log.readPending(batchSize);
            log.acknowledge(whileOpen, List.of());
            assertThat(whileOpen).extracting(LoggedChange::sequence)
                    .as("read while the big transaction is open").containsExactly(before, whileBigWasOpen);
            bulk.commit();
        }
        long afterBig = logChange(ChangeAction.EDIT);

        List<Long> delivered = new ArrayList<>();
        List<LoggedChange> first = log.readPending(batchSize);
        first.forEach(change -> delivered.add(change.sequence()));
        log.acknowledge(first, List.of());
        long whileReadingBig = logChange(ChangeAction.EDIT); // commits between two batches of the big read
        int rounds = 1;
        for (List<LoggedChange> batch = log.readPending(batchSize); !batch.isEmpty(); batch = log.readPending(batchSize)) {
            assertThat(batch).hasSizeLessThanOrEqualTo(batchSize);
            batch.forEach(change -> delivered.add(change.sequence()));
            log.acknowledge(batch, List.of());
            rounds++;
        }

        List<Long> expected = new ArrayList<>(big);
        expected.add(afterBig);
        expected.add(whileReadingBig);
        assertThat(delivered).hasSize(100_002).doesNotHaveDuplicates();
        assertThat(delivered).containsExactlyElementsOf(expected);
        assertThat(rounds).as("50 full batches of the big transaction, one with the row after it,"
                + " one with the row committed during the read").isEqualTo(52);
    }

    @Test
    void a_read_larger_than_a_batch_resumes_where_it_was_after_a_restart() throws SQLException {
        PostgresChangeLog first = changeLog(DB.database(), "a");
        List<Long> logged = IntStream.range(0, 5).mapToObj(i -> logChange(ChangeAction.EDIT)).toList();
        List<LoggedChange> batch = first.readPending(2);
        first.acknowledge(batch, List.of());
        List<LoggedChange> unacknowledged = first.readPending(2); // handed on, then the instance crashes
        long afterTheCrash = logChange(ChangeAction.EDIT);

        PostgresChangeLog restarted = changeLog(DB.database(), "a");
        List<Long> afterRestart = new ArrayList<>();
        drain(restarted, 2, afterRestart);

        assertThat(batch).extracting(LoggedChange::sequence).containsExactlyElementsOf(logged.subList(0, 2));
        assertThat(unacknowledged).extracting(LoggedChange::sequence).containsExactlyElementsOf(logged.subList(2, 4));
        assertThat(afterRestart).as("the unacknowledged batch again, the rest of the read, then the new row")
                .containsExactly(logged.get(2), logged.get(3), logged.get(4), afterTheCrash);
    }

    /**
     * Writers commit and roll back in random order, some holding their transaction open across
     * several reads, while a reader with small batches keeps draining: every committed row is read
     * exactly once, no rolled-back row ever.
     */
    @Test
    void under_random_interleavings_every_committed_row_is_read_exactly_once() throws Exception {
        PostgresChangeLog log = changeLog(DB.database(), "a");
        java.util.Random random = new java.util.Random(20261129L);
        int writers = 6;
        List<Long> committed = new ArrayList<>();
        List<Long> read = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        try {
            List<List<Long>> open = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Connection connection = DB.connect();
                connection.setAutoCommit(false);
                connections.add(connection);
                open.add(new ArrayList<>());
            }
            for (int step = 0; step < 600; step++) {
                int writer = random.nextInt(writers);
                Connection connection = connections.get(writer);
                switch (random.nextInt(6)) {
                    case 0, 1, 2 -> open.get(writer).addAll(insertLogRows(connection, 1 + random.nextInt(3)));
                    case 3 -> {
                        connection.commit();
                        committed.addAll(open.get(writer));
                        open.get(writer).clear();
                    }
                    case 4 -> {
                        connection.rollback();
                        open.get(writer).clear();
                    }
                    default -> drain(log, 1 + random.nextInt(4), read);
                }
            }
            for (int writer = 0; writer < writers; writer++) {
                connections.get(writer).commit();
                committed.addAll(open.get(writer));
            }
            drain(log, 3, read);
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }

        assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(committed);
        assertThat(committed).as("enough committed rows to mean something").hasSizeGreaterThan(200);
    }

    @Test
    void a_rolled_back_transaction_does_not_hold_delivery_back() throws SQLException {
        PostgresChangeLog log = changeLog(DB.database(), "a");
        try (Connection aborted = DB.connect()) {
            aborted.setAutoCommit(false);
            insertLogRow(aborted);
            long committed = logChange(ChangeAction.EDIT);
            aborted.rollback();

            assertThat(log.readPending(10)).extracting(LoggedChange::sequence).containsExactly(committed);
        }
    }

    @Test
    void two_instances_each_read_every_change_with_their_own_subscribers() {
        EntityId watched = new EntityId(UUID.randomUUID());
        UserId user = new UserId(UUID.randomUUID());
        new PostgresSubscriptionStore(DB.database(), "a").add(new ConnectionId("on-a"), user, PROJECT, List.of(watched));
        new PostgresSubscriptionStore(DB.database(), "b").add(new ConnectionId("on-b"), user, PROJECT, List.of(watched));
        PostgresChangeLog logA = changeLog(DB.database(), "a");
        PostgresChangeLog logB = changeLog(DB.database(), "b");
        List<Long> logged = new ArrayList<>();

        List<LoggedChange> readByA = new ArrayList<>();
        List<LoggedChange> readByB = new ArrayList<>();
        for (int round = 0; round < 6; round++) { // the instances interleave with the writers and each other
            for (int i = 0; i < 5; i++) {
                logged.add(logChange(watched, ChangeAction.EDIT));
            }
            drain(logA, 3, readByA);
            if (round % 2 == 1) {
                drain(logB, 4, readByB);
            }
        }
        drain(logB, 4, readByB);

        assertThat(readByA).extracting(LoggedChange::sequence).containsExactlyElementsOf(logged);
        assertThat(readByB).extracting(LoggedChange::sequence).containsExactlyElementsOf(logged);
        assertThat(readByA).allSatisfy(c -> assertThat(c.subscribers()).containsExactly(new ConnectionId("on-a")));
        assertThat(readByB).allSatisfy(c -> assertThat(c.subscribers()).containsExactly(new ConnectionId("on-b")));
    }

    @Test
    void a_failure_between_handing_on_and_marking_delivers_again_and_loses_nothing() {
        PostgresDatabase crashing = PostgresDatabase.open(DB.url());
        PostgresChangeLog before = new PostgresChangeLog(crashing, "a", Duration.ZERO);
        opened.add(before);
        long sequence = logChange(ChangeAction.EDIT);
        List<LoggedChange> handedOn = before.readPending(10);
        crashing.close(); // the database goes away after handing on, before marking

        assertThatThrownBy(() -> before.acknowledge(handedOn, List.of()))
                .isInstanceOf(StorageUnavailableException.class);

        PostgresChangeLog restarted = changeLog(DB.database(), "a");
        List<LoggedChange> again = restarted.readPending(10);
        restarted.acknowledge(again, List.of());

        assertThat(handedOn).extracting(LoggedChange::sequence).containsExactly(sequence);
        assertThat(again).extracting(LoggedChange::sequence).as("delivered a second time").containsExactly(sequence);
        assertThat(restarted.readPending(10)).isEmpty();
        assertThat(syncStatus(sequence)).isEqualTo("sent");
    }

    @Test
    void a_new_instance_starts_at_the_end_of_the_log() {
        long before = logChange(ChangeAction.EDIT);
        PostgresChangeLog log = changeLog(DB.database(), "new");
        long after = logChange(ChangeAction.EDIT);

        assertThat(log.readPending(10)).extracting(LoggedChange::sequence).containsExactly(after).doesNotContain(before);
    }

    @Test
    void a_failed_delivery_stays_failed_when_another_instance_sends_it() {
        PostgresChangeLog logA = changeLog(DB.database(), "a");
        PostgresChangeLog logB = changeLog(DB.database(), "b");
        long sequence = logChange(ChangeAction.EDIT);

        List<LoggedChange> readByA = logA.readPending(10);
        logA.acknowledge(readByA, readByA);
        List<LoggedChange> readByB = logB.readPending(10);
        logB.acknowledge(readByB, List.of());

        assertThat(syncStatus(sequence)).isEqualTo("failed");
        boolean processedAtRecorded = DB.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT sync_processed_ts IS NOT NULL FROM app.logging WHERE seq = :seq")
                .bind("seq", sequence).mapTo(Boolean.class).one());
        assertThat(processedAtRecorded).isTrue();
    }

    @Test
    void acknowledgements_within_the_mark_delay_are_written_together_when_it_has_passed() throws InterruptedException {
        PostgresChangeLog log = changeLog(DB.database(), "a", Duration.ofMillis(200));
        List<Long> logged = IntStream.range(0, 3).mapToObj(i -> logChange(ChangeAction.EDIT)).toList();
        List<Long> handedOn = new ArrayList<>();
        drain(log, 1, handedOn);

        // The watcher's waits: the first ones answer the three commits' notifications, then nothing
        // is logged and the delay passes during a wait.
        for (int wait = 0; wait < 10 && log.awaitChanges(Duration.ofSeconds(1)) == WakeUp.NOTIFIED; wait++) {
            assertThat(log.readPending(10)).isEmpty();
        }

        assertThat(handedOn).containsExactlyElementsOf(logged);
        assertThat(logged).allSatisfy(sequence -> assertThat(syncStatus(sequence)).isEqualTo("sent"));
        assertThat(changeLog(DB.database(), "a").readPending(10)).as("the position was stored").isEmpty();
    }

    @Test
    void acknowledgements_waiting_to_be_written_are_written_at_a_clean_stop() {
        PostgresChangeLog log = changeLog(DB.database(), "a", Duration.ofMinutes(10));
        long sequence = logChange(ChangeAction.EDIT);
        List<LoggedChange> read = log.readPending(10);
        log.acknowledge(read, List.of());
        String beforeStop = syncStatus(sequence);
        List<LoggedChange> readAgainBeforeStop = log.readPending(10);

        log.close();

        assertThat(beforeStop).as("waiting for the delay").isEqualTo("pending");
        assertThat(readAgainBeforeStop).as("the position moved in memory at once").isEmpty();
        assertThat(syncStatus(sequence)).isEqualTo("sent");
        assertThat(changeLog(DB.database(), "a").readPending(10)).isEmpty();
    }

    @Test
    void the_watcher_s_wait_goes_on_when_the_acknowledgements_cannot_be_written() throws InterruptedException {
        PostgresDatabase failing = PostgresDatabase.open(DB.url());
        PostgresChangeLog log = new PostgresChangeLog(failing, "a", Duration.ofMillis(50));
        try {
            logChange(ChangeAction.EDIT);
            for (int wait = 0; wait < 10 && log.awaitChanges(Duration.ofMillis(300)) == WakeUp.NOTIFIED; wait++) {
                // the commit's notification: consumed here, so the wait below can only time out
            }
            log.acknowledge(log.readPending(10), List.of());
            failing.close(); // the pool is gone: every write fails

            long started = System.nanoTime();
            WakeUp wakeUp = log.awaitChanges(Duration.ofMillis(700));

            assertThat(wakeUp).isEqualTo(WakeUp.FALLBACK_POLL);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited out the fallback, no exception")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(650));
        } finally {
            log.close();
        }
    }

    @Test
    void a_crash_before_waiting_acknowledgements_are_written_delivers_them_again() {
        PostgresDatabase crashing = PostgresDatabase.open(DB.url());
        PostgresChangeLog log = new PostgresChangeLog(crashing, "a", Duration.ofMinutes(10));
        long sequence = logChange(ChangeAction.EDIT);
        List<LoggedChange> read = log.readPending(10);
        log.acknowledge(read, List.of());
        crashing.close(); // the process dies before the delay passed: its stop cannot write

        log.close();
        PostgresChangeLog restarted = changeLog(DB.database(), "a");

        assertThat(restarted.readPending(10)).extracting(LoggedChange::sequence).as("delivered again, at least once")
                .containsExactly(sequence);
    }

    private void drain(PostgresChangeLog log, int batchSize, List<? super LoggedChange> into) {
        for (List<LoggedChange> batch = log.readPending(batchSize); !batch.isEmpty(); batch = log.readPending(batchSize)) {
            into.addAll(batch);
            log.acknowledge(batch, List.of());
        }
    }

    private void drain(PostgresChangeLog log, int batchSize, java.util.Collection<Long> sequencesInto) {
        List<LoggedChange> changes = new ArrayList<>();
        drain(log, batchSize, changes);
        changes.forEach(change -> sequencesInto.add(change.sequence()));
    }

    /** Marks and position written at every acknowledgement, so a "restart" finds them. */
    private PostgresChangeLog changeLog(PostgresDatabase on, String instance) {
        return changeLog(on, instance, Duration.ZERO);
    }

    private PostgresChangeLog changeLog(PostgresDatabase on, String instance, Duration markDelay) {
        PostgresChangeLog log = new PostgresChangeLog(on, instance, markDelay);
        opened.add(log);
        return log;
    }

    private long logChange(ChangeAction action) {
        return logChange(new EntityId(UUID.randomUUID()), action);
    }

    private long logChange(EntityId entity, ChangeAction action) {
        return DB.database().jdbi().withHandle(handle -> handle.createQuery("""
                        INSERT INTO app.logging (entity_code, entity_id, action) VALUES ('project', :entity, :action)
                        RETURNING seq""")
                .bind("entity", entity.value())
                .bind("action", (short) action.logCode())
                .mapTo(Long.class)
                .one());
    }

    private static long insertLogRow(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO app.logging (entity_code, entity_id, action) VALUES ('project', ?, 1) RETURNING seq")) {
            insert.setObject(1, UUID.randomUUID());
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Logs {@code count} rows in the connection's open transaction, in one statement; returns their sequences in order. */
    private static List<Long> insertLogRows(Connection connection, int count) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO app.logging (entity_code, entity_id, action)
                SELECT 'project', gen_random_uuid(), 1 FROM generate_series(1, ?) RETURNING seq""")) {
            insert.setInt(1, count);
            List<Long> sequences = new ArrayList<>(count);
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    sequences.add(rs.getLong(1));
                }
            }
            sequences.sort(null);
            return sequences;
        }
    }

    private static String transactionIdOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_current_xact_id_if_assigned()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String syncStatus(long sequence) {
        return DB.database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT sync_status FROM app.logging WHERE seq = :seq")
                .bind("seq", sequence).mapTo(String.class).one());
    }
}
