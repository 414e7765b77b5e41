package dev.rtsync.adapters.websocket;

/**
 * How the server shares the database among users. The database-bound messages (SUBSCRIBE,
 * UNSUBSCRIBE, UNSUBSCRIBE_ALL and TOKEN_REFRESH) are counted against a budget of their user,
 * across all of that user's connections, and against a budget of the whole instance; admitted
 * ones run on {@code workers} threads of their own, never on the threads that read sockets, and
 * each user has at most one running at a time, the users taking turns. A message over either
 * budget is answered {@code ERROR OVER_BUDGET}; a connection answered so
 * {@value #STRIKES_BEFORE_CLOSE} times within {@value #STRIKE_WINDOW_SECONDS} seconds is closed with 4029.
 *
 * @param userMessagesPerSecond the database-bound messages one user may send per second, across
 *                              its connections; a burst of {@value #BURST_SECONDS} seconds' worth is allowed
 * @param messagesPerSecond     the database-bound messages this instance accepts per second from all
 *                              users together; a burst of one second's worth is allowed, and at most
 *                              that many wait for a worker at once
 * @param workers               the threads that run database-bound messages; fewer than the
 *                              database pool's connections, so that delivery always finds one
 */
public record FairnessSettings(int userMessagesPerSecond, int messagesPerSecond, int workers) {

    public static final int BURST_SECONDS = 5;
    public static final int STRIKES_BEFORE_CLOSE = 100;
    public static final int STRIKE_WINDOW_SECONDS = 10;
    public static final FairnessSettings DEFAULTS = new FairnessSettings(20, 2_000, 4);

    public FairnessSettings {
        if (userMessagesPerSecond < 1) {
            throw new IllegalArgumentException("a user must be allowed at least one database-bound message per second");
        }
        if (messagesPerSecond < userMessagesPerSecond) {
            throw new IllegalArgumentException("the instance's budget must be at least one user's");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("at least one worker runs database-bound messages");
        }
    }

    /** The most messages a user may have waiting for a worker: its burst. */
    int userBurst() {
        return BURST_SECONDS * userMessagesPerSecond;
    }

    public FairnessSettings withUserMessagesPerSecond(int userMessagesPerSecond) {
        return new FairnessSettings(userMessagesPerSecond, messagesPerSecond, workers);
    }

    public FairnessSettings withMessagesPerSecond(int messagesPerSecond) {
        return new FairnessSettings(userMessagesPerSecond, messagesPerSecond, workers);
    }

    public FairnessSettings withWorkers(int workers) {
        return new FairnessSettings(userMessagesPerSecond, messagesPerSecond, workers);
    }
}
