package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.application.contract.InstanceRegistryContract;
import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.application.port.out.SubscriptionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresInstanceRegistryTest extends InstanceRegistryContract {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private final Map<String, PostgresChangeLog> readers = new ConcurrentHashMap<>();

    @AfterEach
    void closeReaders() {
        readers.values().forEach(PostgresChangeLog::close);
    }

    @Override
    protected InstanceRegistry registryOf(String instance) {
        return new PostgresInstanceRegistry(DB.database(), instance, reader(instance));
    }

    private PostgresChangeLog reader(String instance) {
        return readers.computeIfAbsent(instance, id -> new PostgresChangeLog(DB.database(), id));
    }

    @Override
    protected SubscriptionStore storeOfInstance(String instance) {
        return new PostgresSubscriptionStore(DB.database(), instance);
    }

    @Override
    protected void silence(String instance, Duration ago) {
        update("UPDATE app.rtsync_instance SET heartbeat_ts = now() - ? * interval '1 millisecond' WHERE instance_id = ?",
                ago.toMillis(), instance);
    }

    @Override
    protected boolean hasReaderPosition(String instance) {
        return count("SELECT count(*) FROM app.rtsync_reader WHERE instance_id = ?", instance) == 1;
    }

    @Override
    protected int subscriptionRowsOf(String instance) {
        return count("SELECT count(*) FROM app.rxdb_subscription WHERE instance_id = ?", instance);
    }

    /**
     * The race the row lock decides: the dead instance's heartbeat runs while a cleaner holds its row,
     * declaring it dead. The heartbeat waits for the cleaner and then finds the row dead, never alive.
     */
    @Test
    void a_heartbeat_that_meets_a_declaration_in_progress_waits_and_finds_itself_dead() throws Exception {
        InstanceRegistry cleaner = registryOf("cleaner");
        cleaner.register();
        InstanceRegistry paused = registryOf("paused");
        paused.register();
        silence("paused", DEAD_AFTER.plusSeconds(1));

        try (Connection declaring = DB.connect()) {
            declaring.setAutoCommit(false);
            try (PreparedStatement declare = declaring.prepareStatement("""
                    UPDATE app.rtsync_instance SET declared_dead_ts = now(), declared_dead_by = 'cleaner'
                    WHERE instance_id = 'paused'""")) {
                declare.executeUpdate();
            }
            CompletableFuture<InstanceRegistry.Heartbeat> heartbeat =
                    CompletableFuture.supplyAsync(() -> paused.heartbeat(DEAD_AFTER));
            awaitLockWait();
            assertThat(heartbeat).as("waits for the declaring transaction").isNotDone();
            declaring.commit();

            assertThat(heartbeat.get(30, TimeUnit.SECONDS).alive()).isFalse();
        }
    }

    /** While an instance's heartbeat holds its row, a cleaner skips it rather than waiting or declaring it. */
    @Test
    void a_declaration_skips_an_instance_whose_heartbeat_is_in_progress() throws Exception {
        InstanceRegistry cleaner = registryOf("cleaner");
        cleaner.register();
        registryOf("beating").register();
        silence("beating", DEAD_AFTER.plusSeconds(1));

        try (Connection beating = DB.connect()) {
            beating.setAutoCommit(false);
            try (PreparedStatement beat = beating.prepareStatement(
                    "UPDATE app.rtsync_instance SET heartbeat_ts = now() WHERE instance_id = 'beating'")) {
                beat.executeUpdate();
            }
            assertThat(cleaner.declareSilentInstancesDead(DEAD_AFTER, 10)).isEmpty();
            beating.commit();
        }
        assertThat(cleaner.declareSilentInstancesDead(DEAD_AFTER, 10)).as("its heartbeat went through").isEmpty();
    }

    /** The statement's plan as the adapter runs it: through the instance index, never a scan of every subscription. */
    @Test
    void a_batch_of_a_dead_instances_subscriptions_is_found_by_index() throws Exception {
        try (Connection connection = DB.connect(); var statement = connection.createStatement()) {
            statement.execute("INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id) "
                    + "SELECT gen_random_uuid(), 'project', gen_random_uuid(), 'c' || (i % 500), 'i' || (i % 20) "
                    + "FROM generate_series(1, 20000) i");
            statement.execute("ANALYZE app.rxdb_subscription");
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = statement.executeQuery("EXPLAIN " + PostgresInstanceRegistry.REMOVE_SUBSCRIPTIONS.replace(":limit", "500"))) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            connection.rollback();
            assertThat(plan.toString()).contains("idx_rxdb_subscription_instance").doesNotContain("Seq Scan on rxdb_subscription");
        }
    }

    private void awaitLockWait() throws Exception {
        for (int i = 0; i < 300; i++) {
            if (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the heartbeat never waited for the lock");
    }

    private static int count(String sql, Object... parameters) {
        try (Connection connection = DB.connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(String sql, Object... parameters) {
        try (Connection connection = DB.connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
