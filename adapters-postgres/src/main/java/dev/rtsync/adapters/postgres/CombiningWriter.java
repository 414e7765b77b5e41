package dev.rtsync.adapters.postgres;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns many threads' small writes into few large ones. A caller queues its item and, unless
 * {@code maxConcurrent} flushes already run, flushes everything queued (up to {@code maxWeight}
 * per flush) itself, batch after batch, until its own item is written; otherwise it waits while
 * others do. Each caller returns once its own item is written, or throws what its batch threw, so
 * a write is exactly as synchronous and as durable as one statement of its own would have been.
 *
 * <p>Why: every SUBSCRIBE is one INSERT and one commit. A burst of 10,000 of them (a fleet of
 * browsers reconnecting) queued for the pool's connections one statement each, past the pool's
 * connection timeout, and PostgreSQL spent its CPU on per-statement work. Written together, the
 * rows of hundreds of SUBSCRIBEs take one statement (docs/benchmarks.md).
 *
 * @param <T> what one caller writes
 */
final class CombiningWriter<T> {

    /** How much an item counts towards a batch's {@code maxWeight} (for subscriptions: its ids). */
    interface Weigher<T> {
        int weightOf(T item);
    }

    private final int maxConcurrent;
    private final int maxWeight;
    private final Weigher<T> weigher;
    private final Consumer<List<T>> flush;
    private final ArrayDeque<Request<T>> queue = new ArrayDeque<>();
    private int flushing; // guarded by this

    /**
     * @param maxConcurrent most flushes at once (each holds one database connection)
     * @param maxWeight     most weight per flush; an item heavier than this is flushed alone
     * @param flush         writes the items in one go, or throws
     */
    CombiningWriter(int maxConcurrent, int maxWeight, Weigher<T> weigher, Consumer<List<T>> flush) {
        if (maxConcurrent < 1 || maxWeight < 1) {
            throw new IllegalArgumentException("at least one flush at once, of at least weight 1");
        }
        this.maxConcurrent = maxConcurrent;
        this.maxWeight = maxWeight;
        this.weigher = weigher;
        this.flush = flush;
    }

    /** Writes the item (with others queued meanwhile); returns once it is written. */
    void write(T item) {
        Request<T> own = new Request<>(item, weigher.weightOf(item));
        boolean interrupted = false;
        try {
            synchronized (this) {
                queue.add(own);
                while (!own.done && flushing >= maxConcurrent) {
                    interrupted |= waitUninterruptibly();
                }
                if (own.done) {
                    own.rethrow();
                    return;
                }
                flushing++;
            }
            try {
                interrupted |= flushUntilWritten(own);
            } finally {
                synchronized (this) {
                    flushing--;
                    notifyAll(); // a waiter whose item is still queued may take over
                }
            }
            own.rethrow();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean flushUntilWritten(Request<T> own) {
        boolean interrupted = false;
        while (true) {
            List<Request<T>> batch = new ArrayList<>();
            synchronized (this) {
                if (own.done) {
                    return interrupted;
                }
                int weight = 0;
                while (!queue.isEmpty() && (batch.isEmpty() || weight + queue.peek().weight <= maxWeight)) {
                    Request<T> next = queue.poll();
                    weight += next.weight;
                    batch.add(next);
                }
                if (batch.isEmpty()) { // our item is in a batch another thread is writing
                    while (!own.done) {
                        interrupted |= waitUninterruptibly();
                    }
                    return interrupted;
                }
            }
            RuntimeException failure = null;
            try {
                flush.accept(batch.stream().map(request -> request.item).toList());
            } catch (RuntimeException e) {
                failure = e;
            }
            synchronized (this) {
                for (Request<T> request : batch) {
                    request.failure = failure;
                    request.done = true;
                }
                notifyAll();
            }
        }
    }

    /** How many items wait for a flush, for tests that must know all callers have queued. */
    synchronized int waiting() {
        return queue.size();
    }

    /** Waits on this monitor; returns whether the wait was interrupted (the caller restores the flag). */
    private boolean waitUninterruptibly() {
        try {
            wait();
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static final class Request<T> {
        final T item;
        final int weight;
        boolean done;              // guarded by the writer's monitor
        RuntimeException failure;  // guarded by the writer's monitor

        Request(T item, int weight) {
            this.item = item;
            this.weight = weight;
        }

        void rethrow() {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
