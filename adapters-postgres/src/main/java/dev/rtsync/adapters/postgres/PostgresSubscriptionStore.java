package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.InstanceId;
import dev.rtsync.domain.Subscription;
import dev.rtsync.domain.UserId;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link SubscriptionStore} over {@code app.rxdb_subscription}. Every row carries the instance's
 * id in {@code instance_id}; every statement touches only this instance's rows. A call is one
 * statement, however many ids it carries (the ids travel as one {@code uuid[]}); concurrent
 * {@link #add} calls share one (see {@link CombiningWriter}).
 */
public final class PostgresSubscriptionStore implements SubscriptionStore {

    private final Jdbi jdbi;
    private final InstanceId instance;

    /** @param instanceId this instance's name, unique among the running instances ({@link InstanceId}) */
    public PostgresSubscriptionStore(PostgresDatabase database, String instanceId) {
        this.jdbi = database.jdbi();
        this.instance = new InstanceId(instanceId);
    }

    // SUBSCRIBEs that arrive together are inserted together: at most two statements at once (two
    // keep PostgreSQL's work going while one waits for its commit; more only contend), each with at
    // most MAX_IDS_PER_INSERT ids. A caller still returns only once its own rows are committed.
    static final int CONCURRENT_INSERTS = 2;
    static final int MAX_IDS_PER_INSERT = 5_000;
    private final CombiningWriter<Added> adds =
            new CombiningWriter<>(CONCURRENT_INSERTS, MAX_IDS_PER_INSERT, added -> added.ids().size(), this::insert);

    @Override
    public void add(ConnectionId connection, UserId user, EntityCode code, Collection<EntityId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        adds.write(new Added(connection, user, code, uuids(ids)));
    }

    /** One caller's rows: written with whatever other callers queued meanwhile, in one statement. */
    private record Added(ConnectionId connection, UserId user, EntityCode code, List<UUID> ids) {
    }

    private void insert(List<Added> batch) {
        int rows = batch.stream().mapToInt(added -> added.ids().size()).sum();
        List<UUID> users = new ArrayList<>(rows);
        List<String> codes = new ArrayList<>(rows);
        List<UUID> ids = new ArrayList<>(rows);
        List<String> connections = new ArrayList<>(rows);
        for (Added added : batch) {
            for (UUID id : added.ids()) {
                users.add(added.user().value());
                codes.add(added.code().value());
                ids.add(id);
                connections.add(added.connection().value());
            }
        }
        Failures.withHandle(jdbi, "subscribe", handle -> handle.createUpdate("""
                        INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id)
                        SELECT r.user_id, r.entity_code, r.entity_id, r.connection_id, :instance
                        FROM unnest(:users, :codes, :ids, :connections) AS r(user_id, entity_code, entity_id, connection_id)
                        ON CONFLICT (connection_id, entity_code, entity_id) DO NOTHING""")
                .bind("instance", instance.value())
                .bindArray("users", UUID.class, users)
                .bindArray("codes", String.class, codes)
                .bindArray("ids", UUID.class, ids)
                .bindArray("connections", String.class, connections)
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
