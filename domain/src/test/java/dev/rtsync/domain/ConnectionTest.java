package dev.rtsync.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final EntityCode TASK = EntityCode.of("task");
    private static final Instant NOW = Instant.parse("2025-11-27T10:30:00Z");
    private final UserId alice = new UserId(UUID.randomUUID());
    private final Connection connection = new Connection(new ConnectionId("c1"), alice, NOW, NOW.plusSeconds(3600));
    private final SubscriptionLimits limits = new SubscriptionLimits(3, 5);

    private static List<EntityId> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> new EntityId(UUID.randomUUID())).toList();
    }

    @Test
    void subscribing_counts_distinct_ids_and_adds_only_new_ones() {
        List<EntityId> ids = ids(2);
        connection.subscribe(PROJECT, List.of(ids.get(0)), limits);

        SubscribeOutcome outcome = connection.subscribe(PROJECT, List.of(ids.get(0), ids.get(1), ids.get(1)), limits);

        assertThat(outcome).isEqualTo(new SubscribeOutcome.Accepted(2, java.util.Set.of(ids.get(1))));
        assertThat(connection.subscriptionCount()).isEqualTo(2);
        assertThat(connection.isSubscribedTo(PROJECT, ids.get(1))).isTrue();
        assertThat(connection.isSubscribedTo(TASK, ids.get(1))).isFalse();
    }

    @Test
    void a_subscription_to_every_entity_of_a_code_watches_each_of_them_and_counts_once() {
        EntityId task = new EntityId(UUID.randomUUID());

        connection.subscribe(TASK, List.of(EntityId.EVERY), limits);

        assertThat(connection.isSubscribedTo(TASK, task)).isTrue();
        assertThat(connection.isSubscribedTo(PROJECT, task)).isFalse();
        assertThat(connection.subscriptionCount()).isEqualTo(1);
        connection.unsubscribe(TASK, List.of(EntityId.EVERY));
        assertThat(connection.isSubscribedTo(TASK, task)).isFalse();
    }

    @Test
    void too_many_ids_in_one_request_changes_nothing() {
        SubscribeOutcome outcome = connection.subscribe(PROJECT, ids(4), limits);

        assertThat(outcome).isEqualTo(new SubscribeOutcome.TooManyIds(4, 3));
        assertThat(connection.subscriptionCount()).isZero();
    }

    @Test
    void going_past_the_connection_limit_changes_nothing() {
        connection.subscribe(PROJECT, ids(3), limits);

        SubscribeOutcome outcome = connection.subscribe(TASK, ids(3), limits);

        assertThat(outcome).isEqualTo(new SubscribeOutcome.TooManySubscriptions(SubscriptionCap.CONNECTION, 3, 3, 5));
        assertThat(connection.subscriptionCount()).isEqualTo(3);
    }

    @Test
    void ids_already_held_do_not_count_against_the_limit() {
        List<EntityId> held = ids(3);
        connection.subscribe(PROJECT, held, limits);
        connection.subscribe(TASK, ids(2), limits);

        assertThat(connection.subscribe(PROJECT, held, limits)).isInstanceOf(SubscribeOutcome.Accepted.class);
    }

    @Test
    void unsubscribing_by_ids_by_code_and_everything() {
        List<EntityId> projects = ids(3);
        List<EntityId> tasks = ids(2);
        connection.subscribe(PROJECT, projects, limits);
        connection.subscribe(TASK, tasks, limits);

        assertThat(connection.unsubscribe(PROJECT, List.of(projects.get(0), tasks.get(0)))).containsExactly(projects.get(0));
        assertThat(connection.subscriptionCount()).isEqualTo(4);
        assertThat(connection.unsubscribeAll(PROJECT)).isEqualTo(2);
        assertThat(connection.isSubscribedTo(PROJECT, projects.get(1))).isFalse();
        assertThat(connection.unsubscribeEverything()).isEqualTo(2);
        assertThat(connection.subscriptionCount()).isZero();
    }

    @Test
    void a_user_cap_counts_the_users_connections_together_and_refuses_the_whole_request() {
        HeldSubscriptions instance = new HeldSubscriptions();
        SubscriptionLimits capped = new SubscriptionLimits(3, 5, 7, 100);
        Connection first = new Connection(new ConnectionId("a1"), alice, NOW, NOW.plusSeconds(3600), instance);
        Connection second = new Connection(new ConnectionId("a2"), alice, NOW, NOW.plusSeconds(3600), instance);
        first.subscribe(PROJECT, ids(3), capped);
        first.subscribe(TASK, ids(2), capped);

        SubscribeOutcome outcome = second.subscribe(PROJECT, ids(3), capped);

        assertThat(outcome).isEqualTo(new SubscribeOutcome.TooManySubscriptions(SubscriptionCap.USER, 5, 3, 7));
        assertThat(second.subscriptionCount()).isZero();
        assertThat(instance.heldBy(alice)).isEqualTo(5);
        assertThat(second.subscribe(PROJECT, ids(2), capped)).isInstanceOf(SubscribeOutcome.Accepted.class);
        assertThat(instance.refusals(SubscriptionCap.USER)).isEqualTo(1);
    }

    @Test
    void an_instance_cap_counts_every_user_and_what_is_let_go_is_given_back() {
        HeldSubscriptions instance = new HeldSubscriptions();
        SubscriptionLimits capped = new SubscriptionLimits(3, 5, 5, 6);
        UserId bob = new UserId(UUID.randomUUID());
        Connection alices = new Connection(new ConnectionId("a1"), alice, NOW, NOW.plusSeconds(3600), instance);
        Connection bobs = new Connection(new ConnectionId("b1"), bob, NOW, NOW.plusSeconds(3600), instance);
        List<EntityId> projects = ids(3);
        alices.subscribe(PROJECT, projects, capped);
        alices.subscribe(TASK, List.of(EntityId.EVERY), capped);
        bobs.subscribe(PROJECT, ids(2), capped);

        assertThat(bobs.subscribe(TASK, List.of(EntityId.EVERY), capped)).as("a type subscription counts one")
                .isEqualTo(new SubscribeOutcome.TooManySubscriptions(SubscriptionCap.INSTANCE, 6, 1, 6));

        alices.unsubscribe(PROJECT, List.of(projects.get(0)));
        assertThat(instance.total()).isEqualTo(5);
        assertThat(bobs.subscribe(TASK, List.of(EntityId.EVERY), capped)).isInstanceOf(SubscribeOutcome.Accepted.class);
        alices.unsubscribeAll(PROJECT);
        bobs.unsubscribeEverything();
        alices.unsubscribeEverything();
        assertThat(instance.total()).isZero();
        assertThat(instance.heldBy(alice)).isZero();
        assertThat(instance.heldBy(bob)).isZero();
    }

    @Test
    void the_expiry_warning_is_given_once_per_token_within_the_window() {
        Duration window = Duration.ofSeconds(300);

        assertThat(connection.takeExpiryWarning(NOW, window)).isEmpty();
        assertThat(connection.takeExpiryWarning(NOW.plusSeconds(3400), window)).hasValue(200);
        assertThat(connection.takeExpiryWarning(NOW.plusSeconds(3401), window)).isEmpty();

        connection.refreshToken(alice, NOW.plusSeconds(7200));
        assertThat(connection.takeExpiryWarning(NOW.plusSeconds(3500), window)).isEmpty();
        assertThat(connection.takeExpiryWarning(NOW.plusSeconds(7000), window)).hasValue(200);
    }

    @Test
    void the_tokens_remaining_life_is_counted_in_whole_seconds_rounded_up_and_never_below_zero() {
        assertThat(connection.tokenExpiresInSeconds(NOW)).isEqualTo(3600);
        assertThat(connection.tokenExpiresInSeconds(NOW.plusMillis(500))).isEqualTo(3600);
        assertThat(connection.tokenExpiresInSeconds(NOW.plusSeconds(3599).plusMillis(999))).isEqualTo(1);
        assertThat(connection.tokenExpiresInSeconds(NOW.plusSeconds(3600))).isZero();
        assertThat(connection.tokenExpiresInSeconds(NOW.plusSeconds(4000))).isZero();
        assertThat(connection.takeExpiryWarning(NOW.plusSeconds(3400).plusMillis(500), Duration.ofSeconds(300)))
                .as("a warning carries the same rounding").hasValue(200);
    }

    @Test
    void a_token_of_another_user_does_not_refresh_the_connection() {
        Instant before = connection.tokenExpiresAt();

        assertThat(connection.refreshToken(new UserId(UUID.randomUUID()), NOW.plusSeconds(99_999)))
                .isEqualTo(TokenRefreshOutcome.OTHER_USER);
        assertThat(connection.tokenExpiresAt()).isEqualTo(before);
    }

    @Test
    void a_token_is_expired_from_its_expiry_on() {
        assertThat(connection.isExpired(NOW.plusSeconds(3599))).isFalse();
        assertThat(connection.isExpired(NOW.plusSeconds(3600))).isTrue();
        assertThat(connection.takeExpiryWarning(NOW.plusSeconds(3600), Duration.ofSeconds(300))).isEmpty();
    }
}
