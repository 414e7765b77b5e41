package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.fake.RecordingClientChannel;
import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.message.ServerMessage.Pong;
import dev.rtsync.application.message.ServerMessage.Subscribed;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectCommand;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectResult;
import dev.rtsync.application.usecase.PingUseCase.PingCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeResult;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Sections 5.1 and 5.2 of the design: connecting, subscribing, the heartbeat, and the limits. */
class ConnectingAndSubscribingTest extends RtsyncFixture {

    private final UserId alice = newUser();

    @Test
    void subscribed_counts_the_ids_of_the_subscribe_it_answers() {
        ConnectionId tab = connect(alice);
        List<EntityId> first = newEntities(3);

        subscribe(tab, PROJECT, first);
        subscribe(tab, PROJECT, List.of(first.get(0), newEntity()));

        assertThat(clients.messagesTo(tab)).containsExactly(new Subscribed(3), new Subscribed(2));
        assertThat(rtsync.store.subscriptionsOf(tab)).hasSize(4);
    }

    @Test
    void ping_is_answered_pong() {
        ConnectionId tab = connect(alice);

        assertThat(rtsync.useCases.ping().ping(new PingCommand(tab))).isEqualTo(new PingUseCase.PingResult.Ponged());

        assertThat(clients.messagesTo(tab)).containsExactly(new Pong());
    }

    @Test
    void an_unknown_token_is_refused_with_auth_failed_and_closed() {
        ConnectionId id = new ConnectionId("conn-x");

        ConnectResult result = rtsync.useCases.connect().connect(new ConnectCommand(id, "forged"));

        assertThat(result).isInstanceOf(ConnectResult.Refused.class);
        assertThat(clients.messagesTo(id)).singleElement().isInstanceOfSatisfying(ErrorMessage.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED));
        assertThat(clients.closeReasonOf(id)).contains(CloseReason.AUTH_FAILED);
        assertThat(rtsync.registry.connectionCount()).isZero();
    }

    @Test
    void a_missing_token_is_refused_without_asking_the_verifier() {
        ConnectionId id = new ConnectionId("conn-x");

        assertThat(rtsync.useCases.connect().connect(new ConnectCommand(id, ""))).isEqualTo(
                new ConnectResult.Refused(ErrorCode.AUTH_FAILED, "Missing token"));
        assertThat(clients.closeReasonOf(id)).contains(CloseReason.AUTH_FAILED);
    }

    @Test
    void too_many_ids_in_one_subscribe_is_an_error_and_subscribes_nothing() {
        ConnectionId tab = connect(alice);

        SubscribeResult result = rtsync.useCases.subscribe().subscribe(new SubscribeCommand(tab, PROJECT,
                newEntities(SubscriptionLimits.DEFAULTS.maxIdsPerSubscribe() + 1)));

        assertThat(result).isEqualTo(new SubscribeResult.Rejected(ErrorCode.TOO_MANY_IDS));
        assertThat(clients.messagesTo(tab)).singleElement().isInstanceOfSatisfying(ErrorMessage.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_IDS));
        assertThat(rtsync.store.subscriptionsOf(tab)).isEmpty();
    }

    @Test
    void too_many_subscriptions_on_one_connection_is_an_error_and_keeps_what_was_held() {
        InMemoryRtsync<RecordingClientChannel> small = new InMemoryRtsync<>(new RecordingClientChannel(),
                new SubscriptionLimits(3, 4), ConnectionLimits.DEFAULTS, EntityCatalog.ANY);
        ConnectionId tab = new ConnectionId("conn-small");
        small.useCases.connect().connect(new ConnectCommand(tab,
                small.tokens.issue("t", alice, small.clock.instant().plusSeconds(3600))));
        small.useCases.subscribe().subscribe(new SubscribeCommand(tab, PROJECT, newEntities(3)));

        SubscribeResult result = small.useCases.subscribe().subscribe(new SubscribeCommand(tab, TASK, newEntities(2)));

        assertThat(result).isEqualTo(new SubscribeResult.Rejected(ErrorCode.TOO_MANY_SUBSCRIPTIONS));
        assertThat(small.clients.messagesTo(tab)).last().isInstanceOfSatisfying(ErrorMessage.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_SUBSCRIPTIONS));
        assertThat(small.store.subscriptionsOf(tab)).hasSize(3);
    }

    @Test
    void an_entity_code_outside_the_catalog_is_an_error() {
        InMemoryRtsync<RecordingClientChannel> listed = new InMemoryRtsync<>(new RecordingClientChannel(),
                SubscriptionLimits.DEFAULTS, ConnectionLimits.DEFAULTS, new EntityCatalog(Set.of(PROJECT)));
        ConnectionId tab = new ConnectionId("conn-listed");
        listed.useCases.connect().connect(new ConnectCommand(tab,
                listed.tokens.issue("t", alice, listed.clock.instant().plusSeconds(3600))));

        SubscribeResult result = listed.useCases.subscribe().subscribe(
                new SubscribeCommand(tab, EntityCode.of("projcet"), newEntities(1)));

        assertThat(result).isEqualTo(new SubscribeResult.Rejected(ErrorCode.UNKNOWN_ENTITY_CODE));
    }

    @Test
    void a_user_over_the_connection_limit_is_refused_and_told_to_retry_later() {
        InMemoryRtsync<RecordingClientChannel> small = new InMemoryRtsync<>(new RecordingClientChannel(),
                SubscriptionLimits.DEFAULTS, new ConnectionLimits(2, 10), EntityCatalog.ANY);
        String token = small.tokens.issue("t", alice, small.clock.instant().plusSeconds(3600));
        small.useCases.connect().connect(new ConnectCommand(new ConnectionId("c1"), token));
        small.useCases.connect().connect(new ConnectCommand(new ConnectionId("c2"), token));

        ConnectResult third = small.useCases.connect().connect(new ConnectCommand(new ConnectionId("c3"), token));

        assertThat(third).isInstanceOfSatisfying(ConnectResult.Refused.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS));
        assertThat(small.clients.closeReasonOf(new ConnectionId("c3"))).contains(CloseReason.TOO_MANY_CONNECTIONS);
        assertThat(small.registry.connectionCount()).isEqualTo(2);
        assertThat(small.registry.userCount()).isEqualTo(1);
    }

    @Test
    void an_unreachable_store_answers_unavailable_and_holds_nothing() {
        ConnectionId tab = connect(alice);
        rtsync.store.setUnavailable(true);

        SubscribeResult result = rtsync.useCases.subscribe().subscribe(new SubscribeCommand(tab, PROJECT, newEntities(2)));

        assertThat(result).isEqualTo(new SubscribeResult.Rejected(ErrorCode.UNAVAILABLE));
        assertThat(rtsync.registry.find(tab).orElseThrow().subscriptionCount()).isZero();
        rtsync.store.setUnavailable(false);
        subscribe(tab, PROJECT, newEntities(2));
        assertThat(rtsync.store.subscriptionsOf(tab)).hasSize(2);
    }

    @Test
    void messages_of_a_closed_connection_are_ignored() {
        ConnectionId gone = new ConnectionId("conn-gone");

        assertThat(rtsync.useCases.subscribe().subscribe(new SubscribeCommand(gone, PROJECT, newEntities(1))))
                .isEqualTo(new SubscribeResult.NotConnected());
        assertThat(rtsync.useCases.ping().ping(new PingCommand(gone))).isEqualTo(new PingUseCase.PingResult.NotConnected());
        assertThat(clients.messagesTo(gone)).isEmpty();
    }

    @Test
    void health_reports_connections_users_and_the_database() {
        UserId bob = newUser();
        connect(alice);
        connect(alice);
        connect(bob);

        assertThat(rtsync.checkHealth.check()).isEqualTo(
                new CheckHealthUseCase.HealthReport(3, 2, java.util.Optional.empty()));
        rtsync.health.reportProblem("connection refused");
        assertThat(rtsync.checkHealth.check().healthy()).isFalse();
    }
}
