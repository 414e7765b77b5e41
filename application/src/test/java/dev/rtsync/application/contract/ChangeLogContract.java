package dev.rtsync.application.contract;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ChangeLog} does. The logs and stores a test obtains share one empty
 * database; {@link #logChange} commits a row as the REST API's trigger would.
 */
public abstract class ChangeLogContract {

    /** The sync status of a log row, in the words of {@code app.logging.sync_status}. */
    protected enum Status { PENDING, SENT, FAILED }

    protected static final EntityCode PROJECT = EntityCode.of("project");
    protected static final EntityCode TASK = EntityCode.of("task");

    protected abstract SubscriptionStore storeOfInstance(String instanceId);

    /**
     * A new run of the instance: each call is the instance (re)started, reading from the position
     * its earlier runs left in the shared database, never from memory of an earlier object.
     */
    protected abstract ChangeLog changeLogOfInstance(String instanceId);

    /** Commits one log row and returns its sequence. */
    protected abstract long logChange(EntityCode code, EntityId entity, ChangeAction action);

    protected abstract Status syncStatusOf(long sequence);

    private final UserId alice = new UserId(UUID.randomUUID());
    private final ConnectionId tab1 = new ConnectionId("conn-1");
    private final ConnectionId tab2 = new ConnectionId("conn-2");
    private final EntityId p1 = new EntityId(UUID.randomUUID());
    private final EntityId p2 = new EntityId(UUID.randomUUID());

    @Test
    void pending_changes_come_oldest_first_with_their_subscribers() {
        storeOfInstance("a").add(tab1, alice, PROJECT, List.of(p1));
        storeOfInstance("a").add(tab2, alice, PROJECT, List.of(p1, p2));
        ChangeLog log = changeLogOfInstance("a");
        long first = logChange(PROJECT, p1, ChangeAction.EDIT);
        long second = logChange(PROJECT, p2, ChangeAction.CREATE);

        List<LoggedChange> pending = log.readPending(10);

        assertThat(pending).extracting(LoggedChange::sequence).containsExactly(first, second);
        assertThat(second).isGreaterThan(first);
        assertThat(pending.get(0).entityCode()).isEqualTo(PROJECT);
        assertThat(pending.get(0).entityId()).isEqualTo(p1);
        assertThat(pending.get(0).action()).isEqualTo(ChangeAction.EDIT);
        assertThat(pending.get(0).subscribers()).containsExactlyInAnyOrder(tab1, tab2);
        assertThat(pending.get(1).action()).isEqualTo(ChangeAction.CREATE);
        assertThat(pending.get(1).subscribers()).containsExactly(tab2);
    }

    @Test
    void a_change_nobody_watches_is_read_with_no_subscribers() {
        ChangeLog log = changeLogOfInstance("a");
        logChange(TASK, p1, ChangeAction.DELETE);

        assertThat(log.readPending(10)).singleElement()
                .satisfies(change -> assertThat(change.subscribers()).isEmpty());
    }

    @Test
    void a_subscription_to_every_entity_of_a_code_finds_each_change_of_that_code_once() {
        EntityId createdLater = new EntityId(UUID.randomUUID());
        storeOfInstance("a").add(tab1, alice, TASK, List.of(EntityId.EVERY, p1));
        storeOfInstance("a").add(tab2, alice, TASK, List.of(p1));
        ChangeLog log = changeLogOfInstance("a");
        logChange(TASK, createdLater, ChangeAction.CREATE);
        logChange(TASK, p1, ChangeAction.EDIT);
        logChange(PROJECT, p2, ChangeAction.EDIT);

        List<LoggedChange> pending = log.readPending(10);

        assertThat(pending).extracting(LoggedChange::subscribers)
                .containsExactly(Set.of(tab1), Set.of(tab1, tab2), Set.of());
    }

    @Test
    void view_rows_are_never_read() {
        ChangeLog log = changeLogOfInstance("a");
        logChange(PROJECT, p1, ChangeAction.VIEW);
        long edit = logChange(PROJECT, p1, ChangeAction.EDIT);
        logChange(PROJECT, p2, ChangeAction.VIEW);

        assertThat(log.readPending(10)).extracting(LoggedChange::sequence).containsExactly(edit);
    }

    @Test
    void every_action_but_view_is_read() {
        ChangeLog log = changeLogOfInstance("a");
        for (ChangeAction action : ChangeAction.values()) {
            logChange(PROJECT, p1, action);
        }

        assertThat(log.readPending(10)).extracting(LoggedChange::action).containsExactly(
                ChangeAction.EDIT, ChangeAction.SHARE, ChangeAction.DELETE, ChangeAction.CREATE, ChangeAction.OWNER);
    }

    @Test
    void reads_are_bounded_and_acknowledged_changes_are_not_read_again() {
        ChangeLog log = changeLogOfInstance("a");
        List<Long> sequences = java.util.stream.IntStream.range(0, 7)
                .mapToObj(i -> logChange(PROJECT, new EntityId(UUID.randomUUID()), ChangeAction.EDIT)).toList();

        List<LoggedChange> first = log.readPending(3);
        log.acknowledge(first, List.of());
        List<LoggedChange> second = log.readPending(3);
        log.acknowledge(second, List.of());
        List<LoggedChange> third = log.readPending(3);
        log.acknowledge(third, List.of());

        assertThat(first).extracting(LoggedChange::sequence).containsExactlyElementsOf(sequences.subList(0, 3));
        assertThat(second).extracting(LoggedChange::sequence).containsExactlyElementsOf(sequences.subList(3, 6));
        assertThat(third).extracting(LoggedChange::sequence).containsExactlyElementsOf(sequences.subList(6, 7));
        assertThat(log.readPending(3)).isEmpty();
    }

    @Test
    void unacknowledged_changes_are_read_again() {
        ChangeLog log = changeLogOfInstance("a");
        long sequence = logChange(PROJECT, p1, ChangeAction.EDIT);

        log.readPending(10);

        assertThat(log.readPending(10)).extracting(LoggedChange::sequence).containsExactly(sequence);
    }

    @Test
    void a_restarted_instance_reads_what_its_crashed_run_did_not_acknowledge_and_nothing_it_did() {
        ChangeLog crashedRun = changeLogOfInstance("a");
        long handled = logChange(PROJECT, p1, ChangeAction.EDIT);
        long unacknowledged = logChange(PROJECT, p2, ChangeAction.EDIT);
        List<LoggedChange> delivered = crashedRun.readPending(1);
        crashedRun.acknowledge(delivered, List.of());
        List<LoggedChange> lostInTheCrash = crashedRun.readPending(1);

        ChangeLog restarted = changeLogOfInstance("a");

        assertThat(delivered).extracting(LoggedChange::sequence).containsExactly(handled);
        assertThat(lostInTheCrash).extracting(LoggedChange::sequence).containsExactly(unacknowledged);
        assertThat(restarted).isNotSameAs(crashedRun);
        assertThat(restarted.readPending(10)).extracting(LoggedChange::sequence).containsExactly(unacknowledged);
    }

    @Test
    void acknowledging_records_sent_and_failed() {
        ChangeLog log = changeLogOfInstance("a");
        long sent = logChange(PROJECT, p1, ChangeAction.EDIT);
        long failed = logChange(PROJECT, p2, ChangeAction.EDIT);
        long later = logChange(PROJECT, p2, ChangeAction.DELETE);
        assertThat(syncStatusOf(sent)).isEqualTo(Status.PENDING);

        List<LoggedChange> read = log.readPending(2);
        log.acknowledge(read, List.of(read.get(1)));

        assertThat(syncStatusOf(sent)).isEqualTo(Status.SENT);
        assertThat(syncStatusOf(failed)).isEqualTo(Status.FAILED);
        assertThat(syncStatusOf(later)).isEqualTo(Status.PENDING);
    }

    @Test
    void every_instance_reads_every_change_with_its_own_subscribers() {
        ConnectionId onB = new ConnectionId("conn-on-b");
        storeOfInstance("a").add(tab1, alice, PROJECT, List.of(p1));
        storeOfInstance("b").add(onB, alice, PROJECT, List.of(p1));
        ChangeLog logA = changeLogOfInstance("a");
        ChangeLog logB = changeLogOfInstance("b");
        long sequence = logChange(PROJECT, p1, ChangeAction.EDIT);

        List<LoggedChange> readByA = logA.readPending(10);
        logA.acknowledge(readByA, List.of());
        List<LoggedChange> readByB = logB.readPending(10);

        assertThat(readByA).singleElement().satisfies(change -> {
            assertThat(change.sequence()).isEqualTo(sequence);
            assertThat(change.subscribers()).isEqualTo(Set.of(tab1));
        });
        assertThat(readByB).singleElement().satisfies(change -> {
            assertThat(change.sequence()).isEqualTo(sequence);
            assertThat(change.subscribers()).isEqualTo(Set.of(onB));
        });
    }

    @Test
    void a_logged_change_wakes_a_waiting_reader_long_before_the_fallback() throws Exception {
        ChangeLog log = changeLogOfInstance("a");
        log.readPending(10); // a reader that has caught up, as the watcher is before it waits
        CompletableFuture<WakeUp> wakeUp = CompletableFuture.supplyAsync(() -> {
            try {
                return log.awaitChanges(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200); // let the reader start waiting

        logChange(PROJECT, p1, ChangeAction.EDIT);

        assertThat(wakeUp.get(10, TimeUnit.SECONDS)).isEqualTo(WakeUp.NOTIFIED);
    }

    @Test
    void with_nothing_logged_the_reader_wakes_at_the_fallback() throws Exception {
        ChangeLog log = changeLogOfInstance("a");
        log.readPending(10);
        log.awaitChanges(Duration.ofMillis(1)); // drain a wake-up left from before the test

        assertThat(log.awaitChanges(Duration.ofMillis(100))).isEqualTo(WakeUp.FALLBACK_POLL);
    }
}
