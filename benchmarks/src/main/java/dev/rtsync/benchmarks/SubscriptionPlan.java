package dev.rtsync.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Who watches what: {@code connections} connections each subscribe to {@code idsPerConnection}
 * entities, chosen so that every entity has {@code subscribersPerEntity} subscribers (when the
 * numbers divide; otherwise some have one fewer). Slot {@code t = connection * idsPerConnection + j}
 * watches entity {@code t mod entities}, so both directions are arithmetic and need no tables
 * beyond the entity ids themselves. Entity ids are fixed per index, so seeded rows are reused
 * across runs.
 */
final class SubscriptionPlan {

    final int connections;
    final int idsPerConnection;
    final int entities;
    private final String[] entityIds;
    private final Map<String, Integer> indexById;
    private final int[] subscriberCount;

    SubscriptionPlan(int connections, int idsPerConnection, int subscribersPerEntity) {
        this(connections, idsPerConnection, subscribersPerEntity, 0);
    }

    /** @param entityOffset the index of the first entity: plans with disjoint ranges watch disjoint projects */
    SubscriptionPlan(int connections, int idsPerConnection, int subscribersPerEntity, int entityOffset) {
        if (connections < 1 || idsPerConnection < 1 || subscribersPerEntity < 1) {
            throw new UsageException("connections, ids per connection and subscribers per entity must be at least 1");
        }
        if (subscribersPerEntity > connections) {
            throw new UsageException("subscribers per entity (" + subscribersPerEntity + ") cannot exceed connections ("
                    + connections + ")");
        }
        long slots = (long) connections * idsPerConnection;
        long entityCount = (slots + subscribersPerEntity - 1) / subscribersPerEntity;
        if (entityCount > 2_000_000) {
            throw new UsageException("that plan needs " + entityCount + " entities; at most 2,000,000");
        }
        // entities >= idsPerConnection because subscribersPerEntity <= connections: no connection watches an entity twice.
        this.connections = connections;
        this.idsPerConnection = idsPerConnection;
        this.entities = (int) entityCount;
        this.entityIds = new String[entities];
        this.indexById = new HashMap<>(entities * 2);
        for (int e = 0; e < entities; e++) {
            entityIds[e] = entityId(entityOffset + e);
            indexById.put(entityIds[e], e);
        }
        this.subscriberCount = new int[entities];
        for (long t = 0; t < slots; t++) {
            subscriberCount[(int) (t % entities)]++;
        }
    }

    /** The fixed id of benchmark entity {@code e}. */
    static String entityId(int e) {
        return UUID.nameUUIDFromBytes(("rtsync-bench-project-" + e).getBytes(StandardCharsets.UTF_8)).toString();
    }

    String idOf(int entity) {
        return entityIds[entity];
    }

    /** The entity's index, or -1 when the id is not one of this plan's. */
    int indexOf(String entityId) {
        Integer index = indexById.get(entityId);
        return index == null ? -1 : index;
    }

    int entityAt(int connection, int j) {
        return (int) (((long) connection * idsPerConnection + j) % entities);
    }

    /** The slot number of the connection's subscription to the entity, or -1 if it has none. */
    int slotOf(int connection, int entity) {
        long base = (long) connection * idsPerConnection;
        long j = Math.floorMod(entity - base, (long) entities);
        return j < idsPerConnection ? (int) (base + j) : -1;
    }

    int subscribers(int entity) {
        return subscriberCount[entity];
    }

    /** The connection's SUBSCRIBE, exactly as section 9.2 of the design writes it. */
    String subscribeMessage(int connection) {
        StringBuilder sb = new StringBuilder(64 + idsPerConnection * 39);
        sb.append("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[");
        for (int j = 0; j < idsPerConnection; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append('"').append(entityIds[entityAt(connection, j)]).append('"');
        }
        return sb.append("]}}").toString();
    }
}
