package dev.rtsync.application.fake;

import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.Subscription;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The in-memory {@code app.rxdb_subscription}: one table shared by the stores and change logs of
 * several instances, as one database is.
 */
public final class InMemorySubscriptionRows {

    /** A row, with the instance that owns its connection. */
    record Row(String instance, Subscription subscription) {
    }

    private final Set<Row> rows = new HashSet<>();

    synchronized void add(Row row) {
        rows.removeIf(existing -> existing.subscription().equals(row.subscription()));
        rows.add(row);
    }

    synchronized int removeIf(Predicate<Row> condition) {
        int before = rows.size();
        rows.removeIf(condition);
        return before - rows.size();
    }

    synchronized Set<Subscription> find(Predicate<Row> condition) {
        return rows.stream().filter(condition).map(Row::subscription).collect(Collectors.toUnmodifiableSet());
    }

    /** The instance's connections that watch the entity by its id or every entity of its code, as PostgreSQL's reader finds them. */
    synchronized Set<ConnectionId> subscribers(String instance, EntityCode code, EntityId entity) {
        return rows.stream()
                .filter(row -> row.instance().equals(instance))
                .map(Row::subscription)
                .filter(s -> s.entityCode().equals(code) && (s.entityId().equals(entity) || s.entityId().isEvery()))
                .map(Subscription::connection)
                .collect(Collectors.toUnmodifiableSet());
    }

    public synchronized int size() {
        return rows.size();
    }
}
