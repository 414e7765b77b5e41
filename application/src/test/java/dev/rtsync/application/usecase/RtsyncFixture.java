package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.fake.RecordingClientChannel;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectCommand;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectResult;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeCommand;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Shorthands for the flows the use-case tests walk through. */
abstract class RtsyncFixture {

    static final EntityCode PROJECT = EntityCode.of("project");
    static final EntityCode TASK = EntityCode.of("task");

    final InMemoryRtsync<RecordingClientChannel> rtsync = InMemoryRtsync.recording();
    final RecordingClientChannel clients = rtsync.clients;
    private final AtomicInteger connections = new AtomicInteger();

    static UserId newUser() {
        return new UserId(UUID.randomUUID());
    }

    static EntityId newEntity() {
        return new EntityId(UUID.randomUUID());
    }

    static List<EntityId> newEntities(int count) {
        return IntStream.range(0, count).mapToObj(i -> newEntity()).toList();
    }

    /** Opens a connection of the user with a token valid for an hour, and asserts it was admitted. */
    ConnectionId connect(UserId user) {
        return connect(user, Duration.ofHours(1));
    }

    ConnectionId connect(UserId user, Duration tokenLifetime) {
        ConnectionId id = new ConnectionId("conn-" + connections.incrementAndGet());
        String token = rtsync.tokens.issue("token-" + id, user, rtsync.clock.instant().plus(tokenLifetime));
        assertThat(rtsync.useCases.connect().connect(new ConnectCommand(id, token)))
                .isInstanceOf(ConnectResult.Connected.class);
        return id;
    }

    void subscribe(ConnectionId connection, EntityCode code, List<EntityId> ids) {
        assertThat(rtsync.useCases.subscribe().subscribe(new SubscribeCommand(connection, code, ids)))
                .isInstanceOf(SubscribeUseCase.SubscribeResult.Subscribed.class);
    }
}
