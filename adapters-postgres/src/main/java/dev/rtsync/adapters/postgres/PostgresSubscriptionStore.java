package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.Subscription;
import dev.rtsync.domain.UserId;
import org.jdbi.v3.core.Jdbi;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link SubscriptionStore} over {@code app.rxdb_subscription}. Every row carries the instance's
 * id in {@code instance_id}; every statement touches only this instance's rows. A call is one
 * statement, however many ids it carries (the ids travel as one {@code uuid[]}).
 */
public final class PostgresSubscriptionStore implements SubscriptionStore {

    private final Jdbi jdbi;
    private final InstanceId instance;

    /** @param instanceId this instance's name, stable across its restarts (see {@code docs/database.md}) */
    public PostgresSubscriptionStore(PostgresDatabase database, String instanceId) {
        this.jdbi = database.jdbi();
        this.instance = new InstanceId(instanceId);
    }

    @Override
    public void add(ConnectionId connection, UserId user, EntityCode code, Collection<EntityId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Failures.withHandle(jdbi, "subscribe", handle -> handle.createUpdate("""
                        INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id)
                        SELECT :user, :code, id, :connection, :instance FROM unnest(:ids) AS id
                        ON CONFLICT (connection_id, entity_code, entity_id) DO NOTHING""")
                .bind("user", user.value())
                .bind("code", code.value())
                .bind("connection", connection.value())
                .bind("instance", instance.value())
                .bindArray("ids", UUID.class, uuids(ids))
                .execute());
    }

    @Override
    public void remove(ConnectionId connection, EntityCode code, Collection<EntityId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Failures.withHandle(jdbi, "unsubscribe", handle -> handle.createUpdate("""
                        DELETE FROM app.rxdb_subscription
                        WHERE connection_id = :connection AND entity_code = :code AND entity_id = ANY(:ids)
                          AND instance_id = :instance""")
                .bind("connection", connection.value())
                .bind("code", code.value())
                .bind("instance", instance.value())
                .bindArray("ids", UUID.class, uuids(ids))
                .execute());
    }

    @Override
    public void removeEntityCode(ConnectionId connection, EntityCode code) {
        Failures.withHandle(jdbi, "unsubscribe an entity code", handle -> handle.createUpdate("""
                        DELETE FROM app.rxdb_subscription
                        WHERE connection_id = :connection AND entity_code = :code AND instance_id = :instance""")
                .bind("connection", connection.value())
                .bind("code", code.value())
                .bind("instance", instance.value())
                .execute());
    }

    @Override
    public void removeConnection(ConnectionId connection) {
        Failures.withHandle(jdbi, "remove a connection's subscriptions", handle -> handle.createUpdate("""
                        DELETE FROM app.rxdb_subscription WHERE connection_id = :connection AND instance_id = :instance""")
                .bind("connection", connection.value())
                .bind("instance", instance.value())
                .execute());
    }

    @Override
    public int removeAllOfThisInstance() {
        return Failures.withHandle(jdbi, "remove this instance's subscriptions", handle -> handle.createUpdate("""
                        DELETE FROM app.rxdb_subscription WHERE instance_id = :instance""")
                .bind("instance", instance.value())
                .execute());
    }

    @Override
    public Set<Subscription> subscriptionsOf(ConnectionId connection) {
        return Failures.withHandle(jdbi, "list a connection's subscriptions", handle -> handle.createQuery("""
                        SELECT user_id, entity_code, entity_id FROM app.rxdb_subscription
                        WHERE connection_id = :connection AND instance_id = :instance""")
                .bind("connection", connection.value())
                .bind("instance", instance.value())
                .map((rs, ctx) -> new Subscription(connection,
                        new UserId(rs.getObject("user_id", UUID.class)),
                        new EntityCode(rs.getString("entity_code")),
                        new EntityId(rs.getObject("entity_id", UUID.class))))
                .collect(Collectors.toUnmodifiableSet()));
    }

    private static List<UUID> uuids(Collection<EntityId> ids) {
        return ids.stream().map(EntityId::value).toList();
    }
}
