package dev.rtsync.adapters.postgres;

import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.Subscription;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.application.contract.SubscriptionStoreContract;
import dev.rtsync.application.port.out.SubscriptionStore;

class PostgresSubscriptionStoreTest extends SubscriptionStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();

    @Override
    protected SubscriptionStore storeOfInstance(String instanceId) {
        return new PostgresSubscriptionStore(DB.database(), instanceId);
    }

    /** Many connections subscribing at once: their rows are inserted together, and each gets exactly its own. */
    @Test
    void concurrent_subscribes_of_many_connections_each_store_exactly_their_own_rows() throws Exception {
        PostgresSubscriptionStore store = new PostgresSubscriptionStore(DB.database(), "burst");
        EntityCode project = EntityCode.of("project");
        int connections = 200;
        Map<ConnectionId, List<EntityId>> wanted = new ConcurrentHashMap<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(32)) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                ConnectionId connection = new ConnectionId("burst-" + c);
                UserId user = new UserId(UUID.randomUUID());
                List<EntityId> ids = Stream.generate(() -> new EntityId(UUID.randomUUID())).limit(1 + c % 7).toList();
                wanted.put(connection, ids);
                done.add(threads.submit(() -> store.add(connection, user, project, ids)));
            }
            for (Future<?> each : done) {
                each.get(30, TimeUnit.SECONDS);
            }
        }
        wanted.forEach((connection, ids) -> assertThat(store.subscriptionsOf(connection))
                .extracting(Subscription::entityId)
                .containsExactlyInAnyOrderElementsOf(ids));
    }
}
