package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.ForwardingSubscriptionStore;
import dev.rtsync.application.fake.InMemorySubscriptionStore;
import dev.rtsync.application.fake.RecordingClientChannel;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 14, point 2: what a server-side close or a database outage must not leave behind. */
class LimitsThatHoldTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final Instant NOW = Instant.parse("2026-11-29T20:00:00Z");

    private final ConnectionRegistry registry = new ConnectionRegistry(ConnectionLimits.DEFAULTS);
    private final InMemorySubscriptionStore rows = InMemorySubscriptionStore.standalone();
    private final RecordingClientChannel clients = new RecordingClientChannel();

    private Connection open(String id) {
        Connection connection = new Connection(new ConnectionId(id), new UserId(UUID.randomUUID()), NOW.plusSeconds(3600));
        assertThat(registry.register(connection)).isEqualTo(ConnectionRegistry.Admission.ADMITTED);
        return connection;
    }

    /**
     * The worst interleaving: the server closes the connection (its token expired) and the clean-up
     * runs to its end while the SUBSCRIBE's rows are on their way to the store; the rows arrive after.
     */
    @Test
    void a_subscribe_whose_connection_the_server_closed_meanwhile_leaves_no_rows() {
        Connection connection = open("c1");
        StoredSubscriptions stored = new StoredSubscriptions(rows);
        DisconnectUseCase disconnect = new DisconnectUseCase(new ConnectionCloser(registry, stored, clients), stored);
        SubscriptionStore closingMeanwhile = new ForwardingSubscriptionStore(rows) {
            @Override
            public void add(ConnectionId id, UserId user, EntityCode code, Collection<EntityId> ids) {
                disconnect.disconnect(new DisconnectUseCase.DisconnectCommand(id)); // the expiry check's clean-up
                super.add(id, user, code, ids);
            }
        };
        SubscribeUseCase subscribe = new SubscribeUseCase(registry, closingMeanwhile, clients, SubscriptionLimits.DEFAULTS, EntityCatalog.ANY);

        SubscribeUseCase.SubscribeResult result = subscribe.subscribe(new SubscribeUseCase.SubscribeCommand(
                connection.id(), PROJECT, List.of(new EntityId(UUID.randomUUID()), new EntityId(UUID.randomUUID()))));

        assertThat(result).isEqualTo(new SubscribeUseCase.SubscribeResult.NotConnected());
        assertThat(rows.subscriptionsOf(connection.id())).isEmpty();
    }

    @Test
    void the_closed_connections_remembered_for_removal_during_an_outage_are_bounded() {
        StoredSubscriptions stored = new StoredSubscriptions(rows, 3);
        DisconnectUseCase disconnect = new DisconnectUseCase(new ConnectionCloser(registry, stored, clients), stored);
        SubscribeUseCase subscribe = new SubscribeUseCase(registry, rows, clients, SubscriptionLimits.DEFAULTS, EntityCatalog.ANY);
        List<Connection> connections = List.of(open("c1"), open("c2"), open("c3"), open("c4"), open("c5"));
        for (Connection connection : connections) {
            subscribe.subscribe(new SubscribeUseCase.SubscribeCommand(connection.id(), PROJECT, List.of(new EntityId(UUID.randomUUID()))));
        }

        rows.setUnavailable(true);
        connections.forEach(connection -> disconnect.disconnect(new DisconnectUseCase.DisconnectCommand(connection.id())));
        assertThat(disconnect.retryFailedRemovals().stillUnremoved()).as("remembered while the store is down").isEqualTo(3);

        rows.setUnavailable(false);
        assertThat(disconnect.retryFailedRemovals().stillUnremoved()).isZero();
        assertThat(connections.subList(0, 3)).allSatisfy(c -> assertThat(rows.subscriptionsOf(c.id())).isEmpty());
        assertThat(connections.subList(3, 5)).as("past the bound: left to the instance's next start or stop")
                .allSatisfy(c -> assertThat(rows.subscriptionsOf(c.id())).hasSize(1));
        assertThat(rows.removeAllOfThisInstance()).isEqualTo(2);
    }
}
