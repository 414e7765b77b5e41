package dev.rtsync.adapters.websocket;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ServerMessage;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.domain.ConnectionId;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link ClientChannel} over Jetty WebSocket sessions: the registry of this server's open
 * sessions, each with one bounded outbound queue.
 *
 * <p>{@link #send} and {@link #fanOut} encode the message on the caller's thread, once however
 * many recipients it has, append it to each recipient's queue and return: they never wait for
 * the client. Each queue has at most one frame in flight
 * with Jetty's asynchronous {@code sendText}; the frame's completion sends the next, so messages
 * reach a client in the order they were queued whichever thread queued them (the change watcher,
 * the expiry check or the connection's own reader). A connection whose queue is full is closed as
 * {@link CloseCode#SLOW_CONSUMER} and refuses further messages; every close is given
 * {@code closeGrace} to flush, after which a client that still does not read is cut off at the
 * TCP level. Jetty then reports the close to {@link WebSocketEndpoint}, which disconnects the
 * connection (its subscriptions go).
 *
 * <p>Every message queued, and every slow client cut off, is reported to {@link Telemetry}.
 */
public final class WebSocketClientChannel implements ClientChannel {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketClientChannel.class);

    private final ServerMessageEncoder encoder = new ServerMessageEncoder();
    private final AtomicLong encodings = new AtomicLong();
    private final Map<ConnectionId, Outbox> outboxes = new ConcurrentHashMap<>();
    /** The most characters of JSON waiting for one client by default: 4 MiB, about twenty of the largest INVALIDATEs. */
    public static final long DEFAULT_MAX_QUEUED_CHARS = 4L * 1024 * 1024;

    private final int capacity;
    private final long maxQueuedChars;
    private final Duration closeGrace;
    private final Telemetry telemetry;
    private final ScheduledExecutorService cutOffTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rtsync-ws-cut-off");
        thread.setDaemon(true);
        return thread;
    });

    public WebSocketClientChannel(WebSocketSettings settings) {
        this(settings, Telemetry.NONE);
    }

    public WebSocketClientChannel(WebSocketSettings settings, Telemetry telemetry) {
        this(settings, telemetry, DEFAULT_MAX_QUEUED_CHARS);
    }

    /**
     * @param maxQueuedChars the most characters waiting for one client, besides the most messages:
     *                       1,024 INVALIDATEs of 2,000 changes each would otherwise hold about 150 MB
     *                       for one slow client. A client past either is closed as a slow consumer;
     *                       one message is always accepted into an empty queue, whatever its size.
     */
    public WebSocketClientChannel(WebSocketSettings settings, Telemetry telemetry, long maxQueuedChars) {
        if (maxQueuedChars < 1) {
            throw new IllegalArgumentException("a client's queue must hold at least one character");
        }
        this.maxQueuedChars = maxQueuedChars;
        this.capacity = settings.outboundQueueCapacity();
        this.closeGrace = settings.closeGrace();
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
    }

    @Override
    public boolean send(ConnectionId connection, ServerMessage message) {
        Outbox outbox = outboxes.get(connection);
        boolean queued = outbox != null && outbox.offer(encode(message));
        if (queued) {
            reportQueued(message);
        }
        return queued;
    }

    @Override
    public Set<ConnectionId> fanOut(ServerMessage message, Collection<ConnectionId> recipients) {
        if (recipients.isEmpty()) {
            return Set.of();
        }
        String text = encode(message);
        Set<ConnectionId> refused = null;
        for (ConnectionId recipient : recipients) {
            Outbox outbox = outboxes.get(recipient);
            if (outbox != null && outbox.offer(text)) {
                reportQueued(message);
            } else {
                if (refused == null) {
                    refused = new HashSet<>();
                }
                refused.add(recipient);
            }
        }
        return refused == null ? Set.of() : refused;
    }

    private void reportQueued(ServerMessage message) {
        telemetry.messageSent(ServerMessageEncoder.typeOf(message));
        if (message instanceof ServerMessage.ErrorMessage error) {
            telemetry.errorSent(error.code());
        }
    }

    private String encode(ServerMessage message) {
        encodings.incrementAndGet();
        return encoder.encode(message);
    }

    /** How many times a message was turned into JSON, for tests. */
    long encodings() {
        return encodings.get();
    }

    @Override
    public void close(ConnectionId connection, CloseReason reason) {
        Outbox outbox = outboxes.get(connection);
        if (outbox != null) {
            outbox.closeAfterQueued(CloseCode.of(reason));
        }
    }

    /** How many sessions are open on this server, authenticated or not. */
    public int openSessions() {
        return outboxes.size();
    }

    void opened(ConnectionId connection, Session session) {
        if (outboxes.putIfAbsent(connection, new Outbox(connection, session)) != null) {
            throw new IllegalStateException(connection + " is already open");
        }
    }

    void closed(ConnectionId connection) {
        Outbox outbox = outboxes.remove(connection);
        if (outbox != null) {
            outbox.discard();
        }
    }

    void closeAll(CloseCode code) {
        outboxes.values().forEach(outbox -> outbox.closeAfterQueued(code));
    }

    void shutdown() {
        cutOffTimer.shutdownNow();
    }

    /** One connection's queue. Guarded by its own monitor; Jetty is called outside it. */
    private final class Outbox {
        private final ConnectionId connection;
        private final Session session;
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private long queuedChars;
        private boolean inFlight;
        private boolean draining;
        private CloseCode closing;
        private boolean closeSent;

        Outbox(ConnectionId connection, Session session) {
            this.connection = connection;
            this.session = session;
        }

        boolean offer(String text) {
            boolean overflowed;
            synchronized (this) {
                if (closing != null) {
                    return false;
                }
                overflowed = queue.size() + (inFlight ? 1 : 0) >= capacity
                        || (!queue.isEmpty() && queuedChars + text.length() > maxQueuedChars);
                if (overflowed) {
                    queue.clear(); // nothing more goes to a client that does not read
                    queuedChars = 0;
                    closing = CloseCode.SLOW_CONSUMER;
                } else {
                    queue.add(text);
                    queuedChars += text.length();
                }
            }
            if (overflowed) {
                LOG.warn("Connection {} did not read its queued messages (at most {} messages or {} characters); closing it"
                        + " as a slow consumer", connection, capacity, maxQueuedChars);
                telemetry.slowClientCutOff();
                scheduleCutOff();
                drain();
                return false;
            }
            drain();
            return true;
        }

        void closeAfterQueued(CloseCode code) {
            synchronized (this) {
                if (closing != null) {
                    return;
                }
                closing = code;
            }
            scheduleCutOff();
            drain();
        }

        synchronized void discard() {
            queue.clear();
            queuedChars = 0;
            if (closing == null) {
                closing = CloseCode.GOING_AWAY;
            }
            closeSent = true;
        }

        /** Sends queued frames one at a time; loops instead of recursing when Jetty completes a send at once. */
        private void drain() {
            while (true) {
                String next;
                CloseCode closeNow = null;
                synchronized (this) {
                    if (draining || inFlight) {
                        return;
                    }
                    next = closing == CloseCode.SLOW_CONSUMER ? null : queue.poll();
                    if (next != null) {
                        queuedChars -= next.length();
                    }
                    if (next == null) {
                        if (closing == null || closeSent) {
                            return;
                        }
                        closeSent = true;
                        closeNow = closing;
                    } else {
                        inFlight = true;
                        draining = true;
                    }
                }
                if (closeNow != null) {
                    session.close(closeNow.code(), closeNow.reason(), Callback.NOOP);
                    return;
                }
                try {
                    session.sendText(next, Callback.from(this::sent, this::failed));
                } catch (RuntimeException e) {
                    failed(e); // a broken session; never let it reach the thread that queued the message
                } finally {
                    synchronized (this) {
                        draining = false;
                    }
                }
            }
        }

        private void sent() {
            synchronized (this) {
                inFlight = false;
            }
            drain();
        }

        private void failed(Throwable cause) {
            synchronized (this) {
                inFlight = false;
                queue.clear();
                queuedChars = 0;
                if (closing == null) {
                    closing = CloseCode.GOING_AWAY;
                }
                closeSent = true; // the session is broken: Jetty closes it and tells the server
            }
            LOG.debug("Sending to connection {} failed: {}", connection, cause.toString());
        }

        private void scheduleCutOff() {
            try {
                cutOffTimer.schedule(() -> {
                    if (session.isOpen()) {
                        LOG.info("Connection {} did not close within {}; cutting it off", connection, closeGrace);
                        session.disconnect();
                    }
                }, closeGrace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                session.disconnect(); // shutting down
            }
        }

        @Override
        public String toString() {
            return "Outbox[" + Objects.toString(connection) + "]";
        }
    }
}
