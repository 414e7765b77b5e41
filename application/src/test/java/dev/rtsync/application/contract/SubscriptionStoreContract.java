package dev.rtsync.application.contract;

import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.Subscription;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link SubscriptionStore} does. Stores a test obtains from {@link #storeOfInstance}
 * share one empty database, as instances share one PostgreSQL.
 */
public abstract class SubscriptionStoreContract {

    protected static final EntityCode PROJECT = EntityCode.of("project");
    protected static final EntityCode TASK = EntityCode.of("task");

    /** The store of the named instance, over a database that is empty when the test starts. */
    protected abstract SubscriptionStore storeOfInstance(String instanceId);

    private final UserId alice = new UserId(UUID.randomUUID());
    private final ConnectionId aliceTab1 = new ConnectionId("conn-alice-1");
    private final ConnectionId aliceTab2 = new ConnectionId("conn-alice-2");
    private final EntityId p1 = new EntityId(UUID.randomUUID());
    private final EntityId p2 = new EntityId(UUID.randomUUID());
    private final EntityId p3 = new EntityId(UUID.randomUUID());

    @Test
    void added_subscriptions_are_found_by_connection() {
        SubscriptionStore store = storeOfInstance("a");

        store.add(aliceTab1, alice, PROJECT, List.of(p1, p2));

        assertThat(store.subscriptionsOf(aliceTab1)).containsExactlyInAnyOrder(
                new Subscription(aliceTab1, alice, PROJECT, p1),
                new Subscription(aliceTab1, alice, PROJECT, p2));
    }

    @Test
    void adding_an_id_twice_keeps_one_subscription() {
        SubscriptionStore store = storeOfInstance("a");

        store.add(aliceTab1, alice, PROJECT, List.of(p1));
        store.add(aliceTab1, alice, PROJECT, List.of(p1, p2));

        assertThat(store.subscriptionsOf(aliceTab1)).hasSize(2);
    }

    @Test
    void two_connections_of_one_user_each_hold_their_own_subscription() {
        SubscriptionStore store = storeOfInstance("a");

        store.add(aliceTab1, alice, PROJECT, List.of(p1));
        store.add(aliceTab2, alice, PROJECT, List.of(p1));
        store.removeConnection(aliceTab1);

        assertThat(store.subscriptionsOf(aliceTab1)).isEmpty();
        assertThat(store.subscriptionsOf(aliceTab2)).containsExactly(new Subscription(aliceTab2, alice, PROJECT, p1));
    }

    @Test
    void removing_ids_leaves_the_others() {
        SubscriptionStore store = storeOfInstance("a");
        store.add(aliceTab1, alice, PROJECT, List.of(p1, p2, p3));

        store.remove(aliceTab1, PROJECT, List.of(p1, p3, new EntityId(UUID.randomUUID())));

        assertThat(store.subscriptionsOf(aliceTab1)).containsExactly(new Subscription(aliceTab1, alice, PROJECT, p2));
    }

    @Test
    void removing_an_entity_code_leaves_the_other_codes() {
        SubscriptionStore store = storeOfInstance("a");
        store.add(aliceTab1, alice, PROJECT, List.of(p1, p2));
        store.add(aliceTab1, alice, TASK, List.of(p3));

        store.removeEntityCode(aliceTab1, PROJECT);

        assertThat(store.subscriptionsOf(aliceTab1)).containsExactly(new Subscription(aliceTab1, alice, TASK, p3));
    }

    @Test
    void a_subscription_to_every_entity_is_kept_beside_those_by_id_and_removed_with_its_code() {
        SubscriptionStore store = storeOfInstance("a");
        store.add(aliceTab1, alice, TASK, List.of(EntityId.EVERY, p1));

        store.remove(aliceTab1, TASK, List.of(EntityId.EVERY));
        assertThat(store.subscriptionsOf(aliceTab1)).containsExactly(new Subscription(aliceTab1, alice, TASK, p1));

        store.add(aliceTab1, alice, TASK, List.of(EntityId.EVERY));
        store.removeEntityCode(aliceTab1, TASK);
        assertThat(store.subscriptionsOf(aliceTab1)).isEmpty();
    }

    @Test
    void removing_a_connection_removes_all_its_subscriptions_and_no_others() {
        SubscriptionStore store = storeOfInstance("a");
        store.add(aliceTab1, alice, PROJECT, List.of(p1, p2));
        store.add(aliceTab1, alice, TASK, List.of(p3));
        store.add(aliceTab2, alice, TASK, List.of(p3));

        store.removeConnection(aliceTab1);
        store.removeConnection(aliceTab1);

        assertThat(store.subscriptionsOf(aliceTab1)).isEmpty();
        assertThat(store.subscriptionsOf(aliceTab2)).hasSize(1);
    }

    @Test
    void an_instance_removes_only_its_own_rows() {
        SubscriptionStore instanceA = storeOfInstance("a");
        SubscriptionStore instanceB = storeOfInstance("b");
        ConnectionId onB = new ConnectionId("conn-on-b");
        instanceA.add(aliceTab1, alice, PROJECT, List.of(p1, p2));
        instanceA.add(aliceTab2, alice, PROJECT, List.of(p3));
        instanceB.add(onB, alice, PROJECT, List.of(p1));

        int removed = instanceA.removeAllOfThisInstance();

        assertThat(removed).isEqualTo(3);
        assertThat(instanceA.subscriptionsOf(aliceTab1)).isEmpty();
        assertThat(instanceA.subscriptionsOf(aliceTab2)).isEmpty();
        assertThat(instanceB.subscriptionsOf(onB)).hasSize(1);
    }

    @Test
    void a_thousand_ids_are_added_in_one_call() {
        SubscriptionStore store = storeOfInstance("a");
        List<EntityId> ids = IntStream.range(0, 1_000).mapToObj(i -> new EntityId(UUID.randomUUID())).toList();

        store.add(aliceTab1, alice, PROJECT, ids);

        assertThat(store.subscriptionsOf(aliceTab1)).extracting(Subscription::entityId)
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void adding_nothing_is_allowed() {
        SubscriptionStore store = storeOfInstance("a");

        store.add(aliceTab1, alice, PROJECT, List.of());
        store.remove(aliceTab1, PROJECT, List.of());

        assertThat(store.subscriptionsOf(aliceTab1)).isEmpty();
    }
}
