package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.message.ServerMessage.Invalidate;
import dev.rtsync.application.message.ServerMessage.TypeSubscribed;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeResult;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeTypeCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeTypeCommand;
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

/**
 * SUBSCRIBE_TYPE, an rtsync addition: a list page hears of entities created after it was fetched.
 * The fake allows it for {@code task} only ({@code InMemoryRtsync.TYPE_SUBSCRIPTIONS}).
 */
class SubscribingToATypeTest extends RtsyncFixture {

    private final UserId alice = newUser();

    private SubscribeResult subscribeToType(ConnectionId tab, dev.rtsync.domain.EntityCode code) {
        return rtsync.useCases.subscribe().subscribeToType(new SubscribeTypeCommand(tab, code));
    }

    @Test
    void a_type_subscription_is_answered_and_hears_of_an_entity_created_later() {
        ConnectionId tab = connect(alice);

        assertThat(subscribeToType(tab, TASK)).isEqualTo(new SubscribeResult.Subscribed(1));
        assertThat(clients.messagesTo(tab)).containsExactly(new TypeSubscribed(TASK));
        clients.clear();
        EntityId created = newEntity();
        long version = rtsync.log.append(TASK, created, ChangeAction.CREATE);
        rtsync.log.append(PROJECT, newEntity(), ChangeAction.CREATE);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab)).containsExactly(new Invalidate(
                new ChangeBatch(TASK, List.of(new Change(TASK, created, WireAction.CREATE, version))),
                rtsync.clock.instant()));
    }

    @Test
    void an_entity_watched_by_id_and_by_type_is_invalidated_once() {
        ConnectionId tab = connect(alice);
        EntityId task = newEntity();
        subscribe(tab, TASK, List.of(task));
        subscribeToType(tab, TASK);
        clients.clear();

        rtsync.log.append(TASK, task, ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab, Invalidate.class)).singleElement()
                .satisfies(invalidate -> assertThat(invalidate.batch().changes()).hasSize(1));
    }

    @Test
    void a_code_the_policy_does_not_name_is_refused_with_a_defined_error_and_nothing_is_held() {
        ConnectionId tab = connect(alice);

        assertThat(subscribeToType(tab, PROJECT)).isEqualTo(new SubscribeResult.Rejected(ErrorCode.TYPE_SUBSCRIPTION_NOT_ALLOWED));

        assertThat(clients.messagesTo(tab)).containsExactly(new ErrorMessage(ErrorCode.TYPE_SUBSCRIPTION_NOT_ALLOWED,
                "Subscriptions to every project are not allowed on this server; allowed: task"));
        assertThat(rtsync.store.subscriptionsOf(tab)).isEmpty();
    }

    @Test
    void unsubscribing_from_the_type_keeps_the_subscriptions_by_id() {
        ConnectionId tab = connect(alice);
        EntityId watched = newEntity();
        subscribe(tab, TASK, List.of(watched));
        subscribeToType(tab, TASK);

        rtsync.useCases.unsubscribe().unsubscribeFromType(new UnsubscribeTypeCommand(tab, TASK));
        clients.clear();
        rtsync.log.append(TASK, newEntity(), ChangeAction.CREATE);
        long version = rtsync.log.append(TASK, watched, ChangeAction.EDIT);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab, Invalidate.class)).singleElement().satisfies(invalidate ->
                assertThat(invalidate.batch().changes()).containsExactly(new Change(TASK, watched, WireAction.UPDATE, version)));
        assertThat(rtsync.store.subscriptionsOf(tab)).hasSize(1);
    }

    @Test
    void unsubscribing_the_whole_code_ends_the_type_subscription_too() {
        ConnectionId tab = connect(alice);
        subscribeToType(tab, TASK);

        rtsync.useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(tab, TASK, Optional.empty()));
        clients.clear();
        rtsync.log.append(TASK, newEntity(), ChangeAction.CREATE);
        rtsync.deliverPendingChanges.deliverPending();

        assertThat(clients.messagesTo(tab)).isEmpty();
        assertThat(rtsync.store.subscriptionsOf(tab)).isEmpty();
    }
}
