package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.application.port.out.StorageUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory {@code app.rtsync_instance}, with the reader positions of {@code app.rtsync_reader}
 * (only whether an instance has one), over the shared subscription rows: one database that several
 * instances' {@link #registryOf registries} share. One lock orders every call, as the database's row
 * locks order the real statements.
 */
public final class InMemoryInstances {

    private static final class Row {
        Instant heartbeat;
        boolean declaredDead;

        Row(Instant heartbeat) {
            this.heartbeat = heartbeat;
        }
    }

    private final InMemorySubscriptionRows subscriptions;
    private final Clock clock;
    private final Map<String, Row> rows = new HashMap<>();
    private final Set<String> readers = new HashSet<>();
    private volatile boolean unavailable;
    private volatile boolean registrationFailsHalfway;

    public InMemoryInstances(InMemorySubscriptionRows subscriptions, Clock clock) {
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    /** The registry one instance uses. */
    public InstanceRegistry registryOf(String instance) {
        return new Registry(instance);
    }

    /** Moves the instance's last heartbeat back, as if it had been silent for {@code ago}. */
    public synchronized void silence(String instance, Duration ago) {
        rows.get(instance).heartbeat = clock.instant().minus(ago);
    }

    /** While set, every call fails as it does when the database cannot be reached. */
    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** While set, {@code register} writes the instance's row and then fails, as a connection lost halfway. */
    public void setRegistrationFailsHalfway(boolean fails) {
        this.registrationFailsHalfway = fails;
    }

    private void checkAvailable() {
        if (unavailable) {
            throw new StorageUnavailableException("database down (test)", null);
        }
    }

    public synchronized boolean hasReaderPosition(String instance) {
        return readers.contains(instance);
    }

    private final class Registry implements InstanceRegistry {
        private final String instance;

        Registry(String instance) {
            this.instance = instance;
        }

        @Override
        public void register() {
            checkAvailable();
            synchronized (InMemoryInstances.this) {
                rows.put(instance, new Row(clock.instant()));
                readers.add(instance);
            }
            if (registrationFailsHalfway) {
                throw new StorageUnavailableException("database gone halfway through registering (test)", null);
            }
        }

        @Override
        public Heartbeat heartbeat(Duration deadAfter) {
            checkAvailable();
            synchronized (InMemoryInstances.this) {
                Instant now = clock.instant();
                Row own = rows.get(instance);
                boolean alive = own != null && !own.declaredDead;
                if (alive) {
                    own.heartbeat = now;
                }
                int others = (int) rows.entrySet().stream()
                        .filter(row -> !row.getKey().equals(instance) && !row.getValue().declaredDead
                                && !row.getValue().heartbeat.isBefore(now.minus(deadAfter)))
                        .count();
                return new Heartbeat(alive, others + (alive ? 1 : 0));
            }
        }

        @Override
        public List<String> declareSilentInstancesDead(Duration deadAfter, int limit) {
            checkAvailable();
            synchronized (InMemoryInstances.this) {
                Instant threshold = clock.instant().minus(deadAfter);
                List<String> declared = rows.entrySet().stream()
                        .filter(row -> !row.getKey().equals(instance) && !row.getValue().declaredDead
                                && row.getValue().heartbeat.isBefore(threshold))
                        .sorted(Comparator.comparing(row -> row.getValue().heartbeat))
                        .limit(limit)
                        .map(Map.Entry::getKey)
                        .toList();
                declared.forEach(id -> rows.get(id).declaredDead = true);
                return declared;
            }
        }

        @Override
        public Removed removeRowsOfDeadInstances(int limit) {
            checkAvailable();
            synchronized (InMemoryInstances.this) {
                Set<String> dead = new HashSet<>();
                rows.forEach((id, row) -> {
                    if (row.declaredDead) {
                        dead.add(id);
                    }
                });
                int[] left = {limit};
                int removed = subscriptions.removeIf(row -> dead.contains(row.instance()) && left[0]-- > 0);
                List<String> readersRemoved = new ArrayList<>();
                for (String id : dead) {
                    if (subscriptions.find(row -> row.instance().equals(id)).isEmpty() && readers.remove(id)) {
                        readersRemoved.add(id);
                    }
                }
                return new Removed(removed, readersRemoved.size());
            }
        }

        @Override
        public void leave() {
            checkAvailable();
            synchronized (InMemoryInstances.this) {
                Row own = rows.get(instance);
                if (own != null) {
                    own.declaredDead = true;
                }
            }
        }
    }
}
