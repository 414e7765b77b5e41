package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.domain.InstanceId;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.List;

/**
 * {@link InstanceRegistry} over {@code app.rtsync_instance}: one row per instance, its heartbeat,
 * and whether (and by whom) it was declared dead. Time is the database's {@code now()}, one clock
 * for every instance.
 *
 * <p>Why concurrent callers are safe (docs/adr/0013-instances-prove-they-are-alive.md):
 * <ul>
 *   <li>A heartbeat and a declaration of death both change the instance's row, so PostgreSQL
 *       orders them by its row lock. The declaration skips a row that is locked (its owner is
 *       beating right now) and re-checks the silence on the newest version of the row; the
 *       heartbeat only moves a row that is not declared dead. So either the heartbeat counts and
 *       the declaration skips, or the declaration counts and the heartbeat finds no live row.</li>
 *   <li>Several cleaners declare with {@code FOR UPDATE SKIP LOCKED}: each silent instance is
 *       declared by one of them, and remove disjoint batches of rows the same way.</li>
 *   <li>Only rows of instances whose row says dead are removed. A reader position is removed
 *       under a share lock on that row, so an instance that registers afresh meanwhile either
 *       waits for the removal (and then inserts a new position) or keeps its position.</li>
 *   <li>Ids without a row here (instances of a version before heartbeats) are never touched.</li>
 * </ul>
 */
public final class PostgresInstanceRegistry implements InstanceRegistry {

    /**
     * How long the row of a dead instance stays after it was declared dead: rows the dead instance
     * still writes before it notices (a SUBSCRIBE just after it runs again) are removed meanwhile;
     * afterwards its id has no row, and rows of such ids are never touched.
     */
    static final Duration TOMBSTONE_KEPT = Duration.ofDays(1);

    private final Jdbi jdbi;
    private final InstanceId instance;
    private final PostgresChangeLog reader;

    /** @param reader this instance's change log, whose position {@link #register} restores when it was removed */
    public PostgresInstanceRegistry(PostgresDatabase database, String instanceId, PostgresChangeLog reader) {
        this.jdbi = database.jdbi();
        this.instance = new InstanceId(instanceId);
        this.reader = reader;
    }

    @Override
    public void register() {
        Failures.withHandle(jdbi, "register the instance", handle -> handle.createUpdate("""
                        INSERT INTO app.rtsync_instance (instance_id) VALUES (:instance)
                        ON CONFLICT (instance_id) DO UPDATE
                        SET registered_ts = now(), heartbeat_ts = now(), declared_dead_ts = NULL, declared_dead_by = NULL""")
                .bind("instance", instance.value())
                .execute());
        // After the row says alive, so no clean-up removes the position from now on; when one removed
        // it before, this inserts a new one at the end of the log.
        reader.register();
    }

    @Override
    public Heartbeat heartbeat(Duration deadAfter) {
        return Failures.withHandle(jdbi, "prove the instance alive", handle -> handle.createQuery("""
                        WITH beat AS (
                            UPDATE app.rtsync_instance SET heartbeat_ts = now()
                            WHERE instance_id = :instance AND declared_dead_ts IS NULL
                            RETURNING instance_id)
                        SELECT (SELECT count(*) FROM beat) AS alive,
                               (SELECT count(*) FROM app.rtsync_instance
                                WHERE instance_id <> :instance AND declared_dead_ts IS NULL
                                  AND heartbeat_ts >= now() - :deadAfterMillis * interval '1 millisecond') AS others""")
                .bind("instance", instance.value())
                .bind("deadAfterMillis", deadAfter.toMillis())
                .map((rs, ctx) -> {
                    boolean alive = rs.getLong("alive") == 1;
                    return new Heartbeat(alive, (int) rs.getLong("others") + (alive ? 1 : 0));
                })
                .one());
    }

    @Override
    public List<String> declareSilentInstancesDead(Duration deadAfter, int limit) {
        return Failures.withHandle(jdbi, "declare silent instances dead", handle -> handle.createQuery("""
                        UPDATE app.rtsync_instance i
                        SET declared_dead_ts = now(), declared_dead_by = :instance
                        FROM (SELECT instance_id FROM app.rtsync_instance
                              WHERE declared_dead_ts IS NULL AND instance_id <> :instance
                                AND heartbeat_ts < now() - :deadAfterMillis * interval '1 millisecond'
                              ORDER BY heartbeat_ts
                              LIMIT :limit
                              FOR UPDATE SKIP LOCKED) silent
                        WHERE i.instance_id = silent.instance_id
                        RETURNING i.instance_id""")
                .bind("instance", instance.value())
                .bind("deadAfterMillis", deadAfter.toMillis())
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
    }

    // A batch of a dead instance's subscriptions. Which instances are dead is unknown when the
    // statement is planned, so PostgreSQL expects to find a batch soon in a sequential scan and
    // prefers it to idx_rxdb_subscription_instance: on 1,000,000 rows with 9,000 of the dead
    // instance's, 102 ms a batch, against 34 ms through the index (docs/benchmarks.md). The batch's
    // transaction therefore turns sequential scans off for itself (SET LOCAL).
    static final String REMOVE_SUBSCRIPTIONS = """
            DELETE FROM app.rxdb_subscription s
            WHERE (s.connection_id, s.entity_code, s.entity_id) IN (
                SELECT v.connection_id, v.entity_code, v.entity_id
                FROM app.rxdb_subscription v
                WHERE v.instance_id IN (SELECT instance_id FROM app.rtsync_instance
                                        WHERE declared_dead_ts IS NOT NULL)
                LIMIT :limit
                FOR UPDATE OF v SKIP LOCKED)""";

    @Override
    public Removed removeRowsOfDeadInstances(int limit) {
        return Failures.withHandle(jdbi, "remove rows of dead instances", handle -> handle.inTransaction(transaction -> {
            transaction.execute("SET LOCAL enable_seqscan = off");
            int subscriptions = transaction.createUpdate(REMOVE_SUBSCRIPTIONS)
                    .bind("limit", limit)
                    .execute();
            // Last, once its subscriptions are gone: a dead instance's position no longer holds back
            // anything that waits for every reader.
            int readers = transaction.createUpdate("""
                            DELETE FROM app.rtsync_reader r
                            WHERE r.instance_id IN (
                                SELECT i.instance_id FROM app.rtsync_instance i
                                WHERE i.declared_dead_ts IS NOT NULL
                                  AND NOT EXISTS (SELECT 1 FROM app.rxdb_subscription s WHERE s.instance_id = i.instance_id)
                                FOR SHARE OF i)""")
                    .execute();
            transaction.createUpdate("""
                            DELETE FROM app.rtsync_instance i
                            WHERE i.declared_dead_ts < now() - :keptMillis * interval '1 millisecond'
                              AND NOT EXISTS (SELECT 1 FROM app.rxdb_subscription s WHERE s.instance_id = i.instance_id)
                              AND NOT EXISTS (SELECT 1 FROM app.rtsync_reader r WHERE r.instance_id = i.instance_id)""")
                    .bind("keptMillis", TOMBSTONE_KEPT.toMillis())
                    .execute();
            return new Removed(subscriptions, readers);
        }));
    }

    @Override
    public void leave() {
        Failures.withHandle(jdbi, "leave", handle -> handle.createUpdate("""
                        UPDATE app.rtsync_instance SET declared_dead_ts = now(), declared_dead_by = :instance
                        WHERE instance_id = :instance AND declared_dead_ts IS NULL""")
                .bind("instance", instance.value())
                .execute());
    }
}
