package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory {@code app.logging}: {@link #append} plays the database trigger, and each
 * instance's acknowledgements are kept here, per instance id, as the real log keeps each
 * instance's position in {@code app.rtsync_reader}. So {@link #readerFor} called again for an
 * instance is that instance restarted: it reads what its earlier run did not acknowledge.
 */
public final class InMemoryChangeLog {

    /** The sync status the real log keeps in {@code app.logging.sync_status}. */
    public enum SyncStatus { PENDING, SENT, FAILED }

    private record Row(long sequence, EntityCode code, EntityId entity, ChangeAction action, Instant loggedAt) {
    }

    private final InMemorySubscriptionRows subscriptions;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final List<Row> rows = new ArrayList<>();
    private final Map<Long, SyncStatus> status = new HashMap<>();
    private final Map<String, Set<Long>> acknowledgedBy = new HashMap<>();
    private long appends;
    private volatile boolean unavailable;

    public InMemoryChangeLog(InMemorySubscriptionRows subscriptions, Clock clock) {
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    /** Logs a change as the trigger would, and returns its sequence. */
    public long append(EntityCode code, EntityId entity, ChangeAction action) {
        lock.lock();
        try {
            long sequence = rows.size() + 1L;
            rows.add(new Row(sequence, code, entity, action, clock.instant()));
            status.put(sequence, SyncStatus.PENDING);
            appends++;
            appended.signalAll();
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    /** From now on readers fail as if the database were down, until {@code false} is set. */
    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    public SyncStatus syncStatusOf(long sequence) {
        lock.lock();
        try {
            return status.get(sequence);
        } finally {
            lock.unlock();
        }
    }

    /** The {@link ChangeLog} one run of an instance reads; a second call for the same instance is a restart. */
    public ChangeLog readerFor(String instance) {
        lock.lock();
        try {
            return new Reader(instance, acknowledgedBy.computeIfAbsent(instance, id -> new HashSet<>()));
        } finally {
            lock.unlock();
        }
    }

    private final class Reader implements ChangeLog {
        private final String instance;
        private final Set<Long> acknowledged; // the instance's position, guarded by the log's lock
        private long appendsSeen;

        Reader(String instance, Set<Long> acknowledged) {
            this.instance = instance;
            this.acknowledged = acknowledged;
        }

        @Override
        public List<LoggedChange> readPending(int limit) {
            if (unavailable) {
                throw new StorageUnavailableException("in-memory change log set unavailable", null);
            }
            lock.lock();
            try {
                List<LoggedChange> pending = new ArrayList<>();
                for (Row row : rows) {
                    if (pending.size() == limit) {
                        break;
                    }
                    if (row.action().isDelivered() && !acknowledged.contains(row.sequence())) {
                        pending.add(new LoggedChange(row.sequence(), row.code(), row.entity(), row.action(), row.loggedAt(),
                                subscriptions.subscribers(instance, row.code(), row.entity())));
                    }
                }
                return pending;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void acknowledge(List<LoggedChange> handled, Collection<LoggedChange> failed) {
            lock.lock();
            try {
                for (LoggedChange change : handled) {
                    acknowledged.add(change.sequence());
                    status.put(change.sequence(), failed.contains(change) ? SyncStatus.FAILED : SyncStatus.SENT);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public WakeUp awaitChanges(Duration fallback) throws InterruptedException {
            lock.lock();
            try {
                long nanos = fallback.toNanos();
                while (appends == appendsSeen) {
                    if (nanos <= 0) {
                        return WakeUp.FALLBACK_POLL;
                    }
                    nanos = appended.awaitNanos(nanos);
                }
                appendsSeen = appends;
                return WakeUp.NOTIFIED;
            } finally {
                lock.unlock();
            }
        }
    }
}
