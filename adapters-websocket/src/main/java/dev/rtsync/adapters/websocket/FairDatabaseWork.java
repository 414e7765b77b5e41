package dev.rtsync.adapters.websocket;

import dev.rtsync.domain.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs the database-bound messages of every user off the socket threads, fairly. Each user has a
 * lane: its budget and its queue. A few worker threads take the lanes in turn, one message at a
 * time, and never run two messages of one user at once, so a user's messages run in the order
 * they came and one user can occupy at most one worker, however many connections it floods from.
 * Admission is bounded three ways: the user's budget, the instance's budget and the length of
 * the queues ({@link FairnessSettings}).
 *
 * <p>A connection told its user is over budget stops being read until the budget has a token again
 * ({@link #whenBudget}): the client's frames wait in TCP buffers, not in the server's CPU. Each
 * token resumes one waiting connection of the user, in turn.
 *
 * <p>Clean-up work (a closed connection's rows) is queued in the user's lane without a budget, so
 * it runs after every message that connection sent before it closed: a SUBSCRIBE cannot add rows
 * after its connection's rows were removed.
 */
final class FairDatabaseWork {

    private static final Logger LOG = LoggerFactory.getLogger(FairDatabaseWork.class);
    private static final long SWEEP_MILLIS = 1_000;
    /** How often connections waiting for their user's budget are looked at: well under a token's time. */
    private static final long BUDGET_CHECK_MILLIS = 10;

    /** What became of a message offered to {@link #submit}. */
    enum Admission { QUEUED, USER_OVER_BUDGET, SERVER_OVER_BUDGET }

    private final FairnessSettings settings;
    private final LongSupplier ticker;
    private final TokenBucket instanceBudget;
    private final int maxQueued;
    private final Map<UserId, Lane> lanes = new HashMap<>();      // guarded by this
    private final ArrayDeque<Lane> ready = new ArrayDeque<>();    // lanes with work and no running message; guarded by this
    private final Set<Lane> resting = new HashSet<>();            // lanes without connections, kept until their budget refills
    private final List<Thread> workers = new ArrayList<>();
    private final Set<Lane> waitingForBudget = new HashSet<>(); // lanes with connections waiting to be read again; guarded by this
    private final ScheduledExecutorService budgetChecks;
    private int queued;                                           // guarded by this
    private long sweptAt = System.nanoTime();                     // guarded by this
    private boolean stopping;                                     // guarded by this
    private boolean closingAll;                                   // no connection waits for a budget any more; guarded by this
    private boolean budgetCheckScheduled;                         // while connections wait for a budget; guarded by this

    FairDatabaseWork(FairnessSettings settings, LongSupplier ticker) {
        this.settings = settings;
        this.ticker = ticker;
        this.instanceBudget = new TokenBucket(settings.messagesPerSecond(), settings.messagesPerSecond(), ticker);
        this.maxQueued = settings.messagesPerSecond();
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = Thread.ofPlatform().name("rtsync-db-work-" + i).daemon(true).unstarted(this::work);
            workers.add(worker);
            worker.start();
        }
        this.budgetChecks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("rtsync-db-budget").daemon(true).factory());
    }

    /**
     * What {@link #submit} would answer now, without taking anything: the check made before a
     * frame is parsed.
     */
    synchronized Admission wouldAdmit(UserId user) {
        Lane lane = lanes.get(user);
        if (lane == null || stopping) {
            return Admission.SERVER_OVER_BUDGET;
        }
        if (lane.queue.size() >= settings.userBurst() || !lane.budget.hasToken()) {
            return Admission.USER_OVER_BUDGET;
        }
        if (queued >= maxQueued || !instanceBudget.hasToken()) {
            return Admission.SERVER_OVER_BUDGET;
        }
        return Admission.QUEUED;
    }

    private boolean withinBudget(Lane lane) {
        return lane.queue.size() < settings.userBurst() && lane.budget.hasToken()
                && queued < maxQueued && instanceBudget.hasToken();
    }

    /**
     * A connection told OVER_BUDGET, waiting to be read again. The user's waiting connections
     * are read again one per token, longest waiting first. Those left waiting are charged no strike:
     * not read, they cost nothing, and closing them only brought their reconnections (issue 14,
     * measured by the {@code flood} scenario).
     */
    interface BudgetWaiter {
        /** Reads the connection again: the budget has a token for it, or the server is closing. */
        void resumeForBudget();
    }

    /**
     * Reads the connection again ({@link BudgetWaiter#resumeForBudget}) once the user's budget and the
     * instance's have a token for it (soon after, on another thread), or at once when the user has
     * no lane or the work is stopping.
     */
    void whenBudget(UserId user, BudgetWaiter waiter) {
        synchronized (this) {
            Lane lane = lanes.get(user);
            if (lane != null && !stopping && !closingAll) {
                lane.waiting.add(waiter);
                waitingForBudget.add(lane);
                scheduleBudgetCheck();
                return;
            }
        }
        waiter.resumeForBudget();
    }

    /** Resumes every connection waiting for a budget, whatever the budgets: the server closes them all. */
    void resumeAll() {
        synchronized (this) {
            closingAll = true;
        }
        resume(true);
    }

    private void resumeWithinBudget() {
        resume(false);
    }

    /** Looks again in a moment, unless a look is due already: nothing runs while no connection waits. */
    private void scheduleBudgetCheck() {
        if (!budgetCheckScheduled && !budgetChecks.isShutdown()) {
            try {
                budgetChecks.schedule(this::resumeWithinBudget, BUDGET_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                budgetCheckScheduled = true;
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // stopping: stop() resumes every waiting connection
            }
        }
    }

    /**
     * Resumes, in each lane, as many waiting connections as its budget has whole tokens (all of
     * them when {@code all}), longest waiting first: reading every waiting connection at each token
     * only to refuse all but one cost a flooding user's 32 connections 31 frames read per token
     * (issue 14).
     */
    private void resume(boolean all) {
        List<BudgetWaiter> resumed = new ArrayList<>();
        synchronized (this) {
            for (var lanes = waitingForBudget.iterator(); lanes.hasNext(); ) {
                Lane lane = lanes.next();
                if (all || stopping) {
                    resumed.addAll(lane.waiting);
                    lane.waiting.clear();
                } else if (withinBudget(lane) && !awaitingResumedReads(lane)) {
                    int tokens = Math.min(lane.waiting.size(),
                            Math.min(lane.budget.wholeTokens(), instanceBudget.wholeTokens()));
                    for (int i = 0; i < tokens; i++) {
                        resumed.add(lane.waiting.poll());
                    }
                    lane.resumedUnread = tokens;
                    lane.resumedAt = ticker.getAsLong();
                }
                if (lane.waiting.isEmpty()) {
                    lanes.remove();
                }
            }
            if (!all) {
                budgetCheckScheduled = false;
            }
            if (!waitingForBudget.isEmpty()) {
                scheduleBudgetCheck();
            }
        }
        for (BudgetWaiter waiter : resumed) {
            try {
                waiter.resumeForBudget();
            } catch (RuntimeException e) {
                LOG.error("Resuming a connection failed", e);
            }
        }
    }

    /**
     * Whether connections resumed for the lane's tokens have not read their next frame yet: until
     * they have, or a token's time has passed, no other is resumed, so that a token is not given
     * twice to connections that a busy machine is slow to read.
     */
    private boolean awaitingResumedReads(Lane lane) {
        if (lane.resumedUnread == 0) {
            return false;
        }
        if (ticker.getAsLong() - lane.resumedAt < 1_000_000_000L / settings.userMessagesPerSecond()) {
            return true;
        }
        lane.resumedUnread = 0; // resumed, but the client sent nothing since
        return false;
    }

    /** A connection resumed by {@link BudgetWaiter#resumeForBudget} read its next frame. */
    synchronized void readAfterBudget(UserId user) {
        Lane lane = lanes.get(user);
        if (lane != null && lane.resumedUnread > 0) {
            lane.resumedUnread--;
        }
    }

    /** A connection of the user opened: its lane lives at least as long as the connection. */
    synchronized void opened(UserId user) {
        Lane lane = lanes.computeIfAbsent(user, Lane::new);
        lane.connections++;
        resting.remove(lane);
    }

    /** A connection of the user closed; {@code cleanUp} runs after every message it queued, without a budget. */
    void closed(UserId user, Runnable cleanUp) {
        synchronized (this) {
            Lane lane = lanes.get(user);
            if (lane != null && !stopping) {
                lane.connections--;
                enqueue(lane, cleanUp);
                return;
            }
        }
        cleanUp.run(); // stopped, or never opened: nothing can run after it
    }

    /**
     * Queues, without a budget, a message that must be answered after the database-bound ones its
     * connection sent before it (a PING behind a SUBSCRIBE). Refused only when the user's queue holds
     * twice its burst: a connection that pings that much may have its PONG early.
     */
    synchronized boolean submitInOrder(UserId user, Runnable message) {
        Lane lane = lanes.get(user);
        if (lane == null || stopping || lane.queue.size() >= 2 * settings.userBurst()) {
            return false;
        }
        enqueue(lane, message);
        return true;
    }

    /** Queues the message of the user's connection unless a budget or a queue is full. */
    synchronized Admission submit(UserId user, Runnable message) {
        Lane lane = lanes.get(user);
        if (lane == null || stopping) {
            return Admission.SERVER_OVER_BUDGET;
        }
        if (lane.queue.size() >= settings.userBurst() || !lane.budget.tryTake()) {
            return Admission.USER_OVER_BUDGET;
        }
        if (queued >= maxQueued || !instanceBudget.tryTake()) {
            return Admission.SERVER_OVER_BUDGET;
        }
        enqueue(lane, message);
        return Admission.QUEUED;
    }

    private void enqueue(Lane lane, Runnable task) {
        if (lane.queue.isEmpty() && !lane.running) {
            ready.add(lane);
        }
        lane.queue.add(task);
        queued++;
        notify();
    }

    /** How many messages wait for a worker, for tests and telemetry. */
    synchronized int queued() {
        return queued;
    }

    /** How many users have a lane, for tests: lanes of users gone are forgotten once their budget refills. */
    synchronized int lanes() {
        return lanes.size();
    }

    private void work() {
        while (true) {
            Lane lane;
            Runnable task;
            synchronized (this) {
                while (ready.isEmpty() && !stopping) {
                    try {
                        wait(SWEEP_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    sweepNowAndThen();
                }
                sweepNowAndThen();
                if (ready.isEmpty()) {
                    return; // stopping, and nothing is left
                }
                lane = ready.poll();
                task = lane.queue.poll();
                lane.running = true;
                queued--;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("A database-bound message of user {} failed", lane.user, e);
            }
            synchronized (this) {
                lane.running = false;
                if (!lane.queue.isEmpty()) {
                    ready.add(lane); // to the back: every other user with work goes first
                } else if (lane.connections == 0) {
                    resting.add(lane);
                }
            }
        }
    }

    /** Forgets, about once a second, the idle lanes of users without connections whose budget has refilled. */
    private void sweepNowAndThen() {
        long now = System.nanoTime();
        if (now - sweptAt < SWEEP_MILLIS * 1_000_000) {
            return;
        }
        sweptAt = now;
        resting.removeIf(lane -> {
            boolean forget = lane.connections == 0 && lane.queue.isEmpty() && !lane.running && lane.budget.isFull();
            if (forget) {
                lanes.remove(lane.user);
            }
            return forget || lane.connections > 0;
        });
    }

    /** Runs what is queued, for at most {@code grace}, then stops the workers; resumes every connection that waits. */
    void stop(Duration grace) {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        budgetChecks.shutdown();
        resumeWithinBudget();
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            worker.interrupt();
        }
    }

    /** One user's budget and queue. */
    private final class Lane {
        final UserId user;
        final TokenBucket budget;
        final ArrayDeque<Runnable> queue = new ArrayDeque<>(4);
        final ArrayDeque<BudgetWaiter> waiting = new ArrayDeque<>(0); // connections not read until the budget has a token, longest waiting first
        int connections;
        boolean running;
        int resumedUnread; // connections resumed for a token that have not read a frame since
        long resumedAt;

        Lane(UserId user) {
            this.user = user;
            this.budget = new TokenBucket(settings.userMessagesPerSecond(), settings.userBurst(), ticker);
        }
    }
}
