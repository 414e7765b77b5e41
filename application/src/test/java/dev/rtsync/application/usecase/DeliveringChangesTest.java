package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.InMemoryChangeLog.SyncStatus;
import dev.rtsync.application.message.ServerMessage.Invalidate;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectCommand;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectResult;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase.UnsubscribeAllCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeCommand;
import dev.rtsync.domain.Change;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ChangeBatch;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import dev.rtsync.domain.WireAction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Section 5.3 and 6.1 of the design: a logged change reaches exactly the connections that watch it. */
class DeliveringChangesTest extends RtsyncFixture {

    private final UserId alice = newUser();
    private final UserId bob = newUser();
    private final List<EntityId> projects = newEntities(3);

    @Test
    void a_logged_change_reaches_the_subscriber_as_one_invalidate() {
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        clients.clear();

        long version = rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab)).containsExactly(new Invalidate(
                new ChangeBatch(PROJECT, List.of(new Change(PROJECT, projects.get(0), WireAction.UPDATE, version))),
                rtsync.clock.instant()));
        assertThat(rtsync.telemetry.rowsRead).containsExactly(1);
        assertThat(rtsync.telemetry.changesDelivered).containsExactly(1);
        assertThat(rtsync.log.syncStatusOf(version)).isEqualTo(SyncStatus.SENT);
    }

    @Test
    void several_changes_go_out_as_one_invalidate_per_connection_and_entity_code() {
        EntityId task = newEntity();
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        subscribe(tab, TASK, List.of(task));
        clients.clear();

        long created = rtsync.log.append(PROJECT, projects.get(0), ChangeAction.CREATE);
        long taskDeleted = rtsync.log.append(TASK, task, ChangeAction.DELETE);
        long shared = rtsync.log.append(PROJECT, projects.get(1), ChangeAction.SHARE);
        long owned = rtsync.log.append(PROJECT, projects.get(2), ChangeAction.OWNER);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab, Invalidate.class)).extracting(Invalidate::batch).containsExactly(
                new ChangeBatch(PROJECT, List.of(
                        new Change(PROJECT, projects.get(0), WireAction.CREATE, created),
                        new Change(PROJECT, projects.get(1), WireAction.UPDATE, shared),
                        new Change(PROJECT, projects.get(2), WireAction.UPDATE, owned))),
                new ChangeBatch(TASK, List.of(new Change(TASK, task, WireAction.DELETE, taskDeleted))));
    }

    @Test
    void each_connection_gets_only_what_it_watches() {
        ConnectionId aliceTab = connect(alice);
        ConnectionId bobTab = connect(bob);
        subscribe(aliceTab, PROJECT, projects.subList(0, 2));
        subscribe(bobTab, PROJECT, projects.subList(1, 3));
        clients.clear();

        long first = rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        long second = rtsync.log.append(PROJECT, projects.get(1), ChangeAction.EDIT);
        long third = rtsync.log.append(PROJECT, projects.get(2), ChangeAction.DELETE);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(changesTo(aliceTab)).containsExactly(
                new Change(PROJECT, projects.get(0), WireAction.UPDATE, first),
                new Change(PROJECT, projects.get(1), WireAction.UPDATE, second));
        assertThat(changesTo(bobTab)).containsExactly(
                new Change(PROJECT, projects.get(1), WireAction.UPDATE, second),
                new Change(PROJECT, projects.get(2), WireAction.DELETE, third));
    }

    @Test
    void connections_that_get_the_same_batch_share_one_fan_out_of_one_message() {
        ConnectionId aliceTab = connect(alice);
        ConnectionId bobTab = connect(bob);
        ConnectionId bobOtherTab = connect(bob);
        subscribe(aliceTab, PROJECT, projects.subList(0, 1));
        subscribe(bobTab, PROJECT, projects.subList(0, 1));
        subscribe(bobOtherTab, PROJECT, projects.subList(0, 2));
        clients.clear();

        rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        rtsync.log.append(PROJECT, projects.get(1), ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.fanOuts()).satisfiesExactlyInAnyOrder(
                oneChange -> {
                    assertThat(oneChange.recipients()).containsExactlyInAnyOrder(aliceTab, bobTab);
                    assertThat(((Invalidate) oneChange.message()).batch().changes()).hasSize(1);
                },
                twoChanges -> {
                    assertThat(twoChanges.recipients()).containsExactly(bobOtherTab);
                    assertThat(((Invalidate) twoChanges.message()).batch().changes()).hasSize(2);
                });
        assertThat(clients.messagesTo(bobTab)).isEqualTo(clients.messagesTo(aliceTab));
    }

    @Test
    void a_change_nobody_watches_sends_nothing_and_is_marked_processed() {
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        clients.clear();

        long version = rtsync.log.append(PROJECT, newEntity(), ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab)).isEmpty();
        assertThat(clients.fanOuts()).isEmpty();
        assertThat(rtsync.log.syncStatusOf(version)).isEqualTo(SyncStatus.SENT);
        rtsync.deliverPendingChanges.deliverPending();
        assertThat(rtsync.telemetry.rowsRead).as("read once, then nothing is pending").containsExactly(1, 0);
    }

    @Test
    void view_entries_are_never_delivered() {
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        clients.clear();

        rtsync.log.append(PROJECT, projects.get(0), ChangeAction.VIEW);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab)).isEmpty();
    }

    @Test
    void two_connections_of_one_user_each_receive_and_closing_one_does_not_silence_the_other() {
        ConnectionId tab1 = connect(alice);
        ConnectionId tab2 = connect(alice);
        subscribe(tab1, PROJECT, projects);
        subscribe(tab2, PROJECT, projects);
        clients.clear();

        long first = rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();
        rtsync.useCases.disconnect().disconnect(new DisconnectCommand(tab1));
        long second = rtsync.log.append(PROJECT, projects.get(0), ChangeAction.DELETE);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(changesTo(tab1)).containsExactly(new Change(PROJECT, projects.get(0), WireAction.UPDATE, first));
        assertThat(changesTo(tab2)).containsExactly(
                new Change(PROJECT, projects.get(0), WireAction.UPDATE, first),
                new Change(PROJECT, projects.get(0), WireAction.DELETE, second));
    }

    @Test
    void unsubscribing_given_ids_stops_those_only() {
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        clients.clear();

        rtsync.useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(tab, PROJECT, Optional.of(List.of(projects.get(0)))));
        rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        long kept = rtsync.log.append(PROJECT, projects.get(1), ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(changesTo(tab)).containsExactly(new Change(PROJECT, projects.get(1), WireAction.UPDATE, kept));
        assertThat(rtsync.store.subscriptionsOf(tab)).hasSize(2);
    }

    @Test
    void unsubscribing_a_whole_entity_code_keeps_the_other_codes() {
        EntityId task = newEntity();
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        subscribe(tab, TASK, List.of(task));
        clients.clear();

        rtsync.useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(tab, PROJECT, Optional.empty()));
        rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        long taskChange = rtsync.log.append(TASK, task, ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(changesTo(tab)).containsExactly(new Change(TASK, task, WireAction.UPDATE, taskChange));
        assertThat(rtsync.store.subscriptionsOf(tab)).hasSize(1);
    }

    @Test
    void unsubscribing_all_stops_everything_and_keeps_the_connection_open() {
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        clients.clear();

        assertThat(rtsync.useCases.unsubscribeAll().unsubscribeAll(new UnsubscribeAllCommand(tab)))
                .isEqualTo(new UnsubscribeAllUseCase.UnsubscribeAllResult.Unsubscribed(3));
        rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab)).isEmpty();
        assertThat(rtsync.store.subscriptionsOf(tab)).isEmpty();
        assertThat(rtsync.registry.find(tab)).isPresent();
    }

    @Test
    void disconnecting_removes_the_connections_subscriptions() {
        ConnectionId tab = connect(alice);
        ConnectionId other = connect(bob);
        subscribe(tab, PROJECT, projects);
        subscribe(other, PROJECT, projects);

        assertThat(rtsync.useCases.disconnect().disconnect(new DisconnectCommand(tab)))
                .isEqualTo(new DisconnectResult.Disconnected(alice, 3));

        assertThat(rtsync.store.subscriptionsOf(tab)).isEmpty();
        assertThat(rtsync.store.subscriptionsOf(other)).hasSize(3);
        assertThat(rtsync.registry.find(tab)).isEmpty();
        assertThat(rtsync.useCases.disconnect().disconnect(new DisconnectCommand(tab)))
                .as("a second close is harmless").isEqualTo(new DisconnectResult.NotConnected());
    }

    @Test
    void rows_of_a_connection_closed_while_the_store_is_down_are_removed_once_it_is_back() {
        ConnectionId tab = connect(alice);
        subscribe(tab, PROJECT, projects);
        rtsync.store.setUnavailable(true);

        rtsync.useCases.disconnect().disconnect(new DisconnectCommand(tab));
        assertThat(rtsync.useCases.disconnect().retryFailedRemovals().stillUnremoved()).isEqualTo(1);
        rtsync.store.setUnavailable(false);
        assertThat(rtsync.store.subscriptionsOf(tab)).hasSize(3);

        assertThat(rtsync.useCases.disconnect().retryFailedRemovals().stillUnremoved()).isZero();
        assertThat(rtsync.store.subscriptionsOf(tab)).isEmpty();
    }

    @Test
    void a_connection_that_refuses_messages_marks_its_rows_failed_and_others_still_receive() {
        ConnectionId slow = connect(alice);
        ConnectionId healthy = connect(bob);
        subscribe(slow, PROJECT, projects);
        subscribe(healthy, PROJECT, projects);
        clients.clear();
        clients.refuseMessagesTo(slow);

        long version = rtsync.log.append(PROJECT, projects.get(0), ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(changesTo(healthy)).containsExactly(new Change(PROJECT, projects.get(0), WireAction.UPDATE, version));
        assertThat(rtsync.telemetry.changesDelivered).as("to the healthy connection only").containsExactly(1);
        assertThat(rtsync.log.syncStatusOf(version)).isEqualTo(SyncStatus.FAILED);
        rtsync.deliverPendingChanges.deliverPending();
        assertThat(rtsync.telemetry.rowsRead).as("failed rows are not retried").containsExactly(1, 0);
    }

    @Test
    void more_rows_than_one_batch_are_all_delivered_in_one_call() {
        ConnectionId tab = connect(alice);
        List<EntityId> many = newEntities(250);
        subscribe(tab, PROJECT, many);
        clients.clear();

        many.forEach(id -> rtsync.log.append(PROJECT, id, ChangeAction.EDIT));
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(rtsync.telemetry.rowsRead).containsExactly(100, 100, 50);
        assertThat(clients.messagesTo(tab, Invalidate.class)).hasSize(3); // batches of 100, 100 and 50 rows
        assertThat(changesTo(tab)).extracting(Change::entityId).containsExactlyElementsOf(many);
    }

    private List<Change> changesTo(ConnectionId connection) {
        return clients.messagesTo(connection).stream()
                .filter(Invalidate.class::isInstance)
                .map(Invalidate.class::cast)
                .flatMap(invalidate -> invalidate.batch().changes().stream())
                .toList();
    }
}
