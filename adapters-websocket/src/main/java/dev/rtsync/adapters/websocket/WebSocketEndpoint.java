package dev.rtsync.adapters.websocket;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectCommand;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectResult;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectCommand;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectResult;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.JettyWebSocketFrameHandlerFactory;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * The WebSocket endpoint: Jetty core's {@link WebSocketUpgradeHandler} for the root path, which
 * makes one small {@link Listener} per connection ({@link #upgradeHandler}), and the guards every client frame passes before
 * {@link MessageDispatcher} turns it into a use case call:
 * <ol>
 *   <li>the connection's rate ({@link WebSocketSettings#maxMessagesPerSecond}), else {@code ERROR RATE_LIMITED};</li>
 *   <li>the size ({@link WebSocketSettings#maxMessageBytes}), else {@code ERROR MESSAGE_TOO_LARGE};</li>
 *   <li>the decoder, else {@code ERROR INVALID_PAYLOAD} or the like;</li>
 *   <li>for a database-bound message, the user's and the instance's budgets of
 *       {@link FairDatabaseWork}, else {@code ERROR OVER_BUDGET} and in the end a 4029 close. The
 *       budget is looked at before the frame is parsed: a frame whose leading {@code type} is
 *       database-bound is refused over budget without reading its payload. A connection the
 *       Connect use case refused has no budget: its database-bound messages are dropped, as the
 *       use cases would drop them.</li>
 * </ol>
 * A connection is read one frame at a time, and not read at all (TCP pushes back on the client)
 * while its user is over budget, until the budget has a token again for it (one waiting
 * connection of the user per token, in turn), or while
 * {@value #MAX_PENDING_PER_CONNECTION} of its messages wait for the database, until one is done.
 * PING, STATUS and every answer the server decides without the database run on the thread that
 * read the frame, after the database-bound messages the same connection still has queued, so a
 * connection's answers keep the order of its messages (ADR 0014). Every frame is reported to
 * {@link Telemetry}.
 *
 * <p>The upgrade always completes, so that a browser sees the {@code ERROR AUTH_FAILED} and the
 * 4001 close of a bad token instead of a bare 1006; the token goes to the Connect use case only,
 * and it is never logged (nor is the query string that carries it). Why this is Jetty's API and
 * not Javalin's {@code ws} routes: ADR 0019.
 */
final class WebSocketEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketEndpoint.class);
    /**
     * How many of a connection's messages may wait for the database before the connection is no
     * longer read. Times the per-user connection limit (32) it stays under a user's queue (its
     * burst, 100), so a pipelining client is slowed down, never refused for a full queue.
     */
    static final int MAX_PENDING_PER_CONNECTION = 2;

    private final WebSocketSettings settings;
    private final FairnessSettings fairness;
    private final LongSupplier ticker;
    private final ClientUseCases useCases;
    private final WebSocketClientChannel channel;
    private final Telemetry telemetry;
    private final Executor readsInTurn;
    private final FairDatabaseWork databaseWork;
    private final MessageDispatcher dispatcher;
    private final ClientMessageDecoder decoder = new ClientMessageDecoder();

    /**
     * @param readsInTurn where a connection asks for its next frame: the back of the socket threads' queue
     * @param ticker      the time, in nanoseconds, by which the rate limit and the budgets refill
     */
    WebSocketEndpoint(WebSocketSettings settings, FairnessSettings fairness, ClientUseCases useCases,
                      WebSocketClientChannel channel, Telemetry telemetry, Executor readsInTurn, LongSupplier ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fairness = Objects.requireNonNull(fairness, "fairness");
        this.useCases = Objects.requireNonNull(useCases, "use cases");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.readsInTurn = Objects.requireNonNull(readsInTurn, "readsInTurn");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.databaseWork = new FairDatabaseWork(fairness, ticker);
        this.dispatcher = new MessageDispatcher(useCases, channel);
    }

    /**
     * The upgrade of the root path alone, to mount in front of the HTTP routes: Jetty core's
     * upgrade handler, making one {@link Listener} per connection behind Jetty's WebSocket API.
     * Jetty's servlet and core upgrades with the API's own frame handlers keep, for each
     * connection's life, a copy of the upgrade request and a view of the upgrade response that holds
     * the whole HTTP exchange (the connection's HTTP parser, channel, request and response): 11.6 to
     * 13.6 KB of heap per connection, against 6 KB here (docs/benchmarks.md, issue 14). The
     * listener's frame handler is given neither, so {@link Session#getUpgradeRequest()} and
     * {@link Session#getUpgradeResponse()} are null: nothing here reads them after the upgrade.
     */
    Handler.Wrapper upgradeHandler(Server server) {
        ServerWebSocketContainer container = ServerWebSocketContainer.ensure(server); // executor and session events
        WebSocketComponents components = WebSocketServerComponents.ensureWebSocketComponents(server);
        JettyWebSocketFrameHandlerFactory frameHandlers = new JettyWebSocketFrameHandlerFactory(container, components);
        WebSocketUpgradeHandler upgrade = new WebSocketUpgradeHandler(components);
        Configuration configuration = upgrade.getConfiguration();
        configuration.setIdleTimeout(settings.idleTimeout());
        // Up to the limit a frame is answered ERROR MESSAGE_TOO_LARGE; past twice it Jetty closes with 1009.
        configuration.setMaxTextMessageSize(2L * settings.maxMessageBytes());
        configuration.setMaxBinaryMessageSize(2L * settings.maxMessageBytes());
        // "" is the servlet path spec of the root path alone: ws://HOST:PORT and ws://HOST:PORT/.
        upgrade.addMapping(new ServletPathSpec(""), (request, response, callback) -> {
            // Browsers offer permessage-deflate; accepted, each connection keeps a zlib deflater and
            // inflater from its first message on: 130 KB per connection instead of 25 KB, to
            // compress messages of a few hundred bytes (ADR 0010, docs/benchmarks.md).
            response.setExtensions(List.of());
            return frameHandlers.newJettyFrameHandler(new Listener(tokenOf(request)));
        });
        upgrade.setHandler((Handler) null); // for the HTTP routes, which every other request goes on to
        return upgrade;
    }

    /**
     * The token of the query. A query that is not valid percent-encoding is answered 400 Bad Request
     * by Jetty, before any WebSocket exists (Jetty's core handshake decodes the query again).
     */
    private static String tokenOf(Request request) {
        String token = Request.extractQueryParameters(request).getValue("token");
        return token == null ? "" : token;
    }

    /**
     * Reads on every connection that waits for a budget, so that it reads the client's answer to
     * the close the server is about to send instead of holding the shutdown for the close grace.
     */
    void closing() {
        databaseWork.resumeAll();
    }

    /** The fair workers, for tests. */
    FairDatabaseWork databaseWork() {
        return databaseWork;
    }

    /** Runs what the fair workers hold, for at most {@code grace}, then stops them: after the sockets closed. */
    void stop(Duration grace) {
        databaseWork.stop(grace);
    }

    /**
     * One connection: all this endpoint keeps of it besides Jetty's own session. Jetty calls it for
     * one frame at a time, so the rate counter needs no lock. Public only because Jetty invokes
     * the listener through public method handles; only the endpoint makes one.
     */
    public final class Listener implements Session.Listener, FairDatabaseWork.BudgetWaiter {
        private static final AtomicIntegerFieldUpdater<Listener> PENDING =
                AtomicIntegerFieldUpdater.newUpdater(Listener.class, "pendingDatabaseWork");
        private static final AtomicIntegerFieldUpdater<Listener> PAUSED =
                AtomicIntegerFieldUpdater.newUpdater(Listener.class, "paused");
        private static final int NOT_PAUSED = 0;
        private static final int FOR_PENDING_WORK = 1;
        private static final int FOR_BUDGET = 2;

        private final ConnectionId id = new ConnectionId(UUID.randomUUID().toString());
        private final MessageRate rate = new MessageRate(settings.maxMessagesPerSecond());
        private String token; // until the connection is opened; then dropped
        private Session session;
        private volatile UserId user; // once admitted
        private TokenBucket strikes; // from the first message over budget on; Jetty calls one frame at a time
        private boolean closedOverBudget;
        private volatile int pendingDatabaseWork; // queued or running; through PENDING only
        private volatile int paused; // NOT_PAUSED, or why no frame is asked for; through PAUSED only
        private boolean toldOverBudget; // by the frame just handled: wait for the budget before reading on
        private volatile boolean resumedForBudget; // the frame to come is the first since a token resumed the connection

        Listener(String token) {
            this.token = token;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            String presented = token;
            token = null;
            try {
                channel.opened(id, session);
                ConnectResult result = useCases.connect().connect(new ConnectCommand(id, presented));
                switch (result) {
                    case ConnectResult.Connected connected -> {
                        user = connected.user();
                        databaseWork.opened(user);
                        telemetry.connectionOpened(true);
                        LOG.debug("Connection {} opened for user {}", id, user);
                    }
                    case ConnectResult.Refused refused -> {
                        telemetry.connectionOpened(false);
                        // INFO: the client is told a fixed reason; the operator finds the real one here (ADR 0015).
                        LOG.info("Connection {} refused: {} ({})", id, refused.code(), refused.reason());
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("Connection {}: opening failed", id, e);
            }
            session.demand();
        }

        /**
         * After a frame: asks for the next one, unless the connection must wait. Told over budget,
         * it waits until its user's budget has a token; with {@value #MAX_PENDING_PER_CONNECTION}
         * messages waiting for the database, until one of them is done. Meanwhile Jetty reads
         * nothing of it, and its frames stay in the client's and the kernel's buffers (issue 14: a
         * flood read and refused frame by frame still took the CPU that other users needed).
         */
        private void readNext() {
            if (resumedForBudget) {
                resumedForBudget = false;
                databaseWork.readAfterBudget(user);
            }
            if (toldOverBudget) {
                toldOverBudget = false;
                PAUSED.set(this, FOR_BUDGET);
                databaseWork.whenBudget(user, this);
                return;
            }
            if (pendingDatabaseWork >= MAX_PENDING_PER_CONNECTION) {
                PAUSED.set(this, FOR_PENDING_WORK);
                if (pendingDatabaseWork < MAX_PENDING_PER_CONNECTION) {
                    resume(FOR_PENDING_WORK); // the work finished between the check and the pause
                }
                return;
            }
            demandInTurn();
        }

        /** Reads on if the connection waits for this reason; does nothing otherwise. */
        private void resume(int reason) {
            if (PAUSED.compareAndSet(this, reason, NOT_PAUSED)) {
                demandInTurn();
            }
        }

        @Override
        public void resumeForBudget() {
            if (PAUSED.get(this) == FOR_BUDGET) {
                resumedForBudget = true; // before the read it allows: the reading thread clears it
            }
            resume(FOR_BUDGET);
        }

        /** One of the connection's database-bound messages (or answers queued behind them) is done. */
        private void databaseWorkDone() {
            if (PENDING.decrementAndGet(this) < MAX_PENDING_PER_CONNECTION) {
                resume(FOR_PENDING_WORK);
            }
        }

        /**
         * Asks for the next frame from a task at the back of the thread pool's queue, instead of
         * reading on in this thread: a client that sends without pause would otherwise keep its thread
         * for as long as it sends, and 32 such connections held every thread while another user's PING
         * waited unread (issue 14, measured by the flood scenario). Connections take turns instead.
         */
        private void demandInTurn() {
            try {
                readsInTurn.execute(this::demand);
            } catch (RejectedExecutionException e) {
                demand(); // the pool is stopping or full: read on in this thread rather than stall
            }
        }

        private void demand() {
            try {
                session.demand();
            } catch (RuntimeException e) {
                LOG.debug("Connection {}: no more frames ({})", id, e.toString()); // closed meanwhile
            }
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            readNext(); // Jetty answers the PING frame itself
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            readNext();
        }

        @Override
        public void onWebSocketText(String frame) {
            try {
                onText(this, frame);
            } catch (RuntimeException e) {
                LOG.error("Connection {}: handling a message failed", id, e);
            } finally {
                readNext();
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            try {
                telemetry.messageReceived(Telemetry.UNREADABLE);
                if (!rateLimited(this)) {
                    inOrder(this, () -> channel.send(id, new ErrorMessage(ErrorCode.INVALID_PAYLOAD,
                            "Binary frames are not accepted; send JSON text")));
                }
            } finally {
                callback.succeed();
                readNext();
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            try {
                channel.closed(id);
                telemetry.connectionClosed();
                UserId admitted = user;
                if (admitted == null) {
                    disconnect(statusCode, reason); // never admitted: holds no rows
                } else {
                    databaseWork.closed(admitted, () -> disconnect(statusCode, reason));
                }
            } catch (RuntimeException e) {
                LOG.error("Connection {}: closing failed", id, e);
            } finally {
                callback.succeed();
            }
        }

        private void disconnect(int statusCode, String reason) {
            if (useCases.disconnect().disconnect(new DisconnectCommand(id)) instanceof DisconnectResult.Disconnected closed) {
                LOG.debug("Connection {} of user {} closed: {} {}", id, closed.user(), statusCode, Objects.toString(reason, ""));
            }
        }

        @Override
        public void onWebSocketError(Throwable error) {
            LOG.debug("Connection {}: {}", id, error == null ? "error" : error.toString());
        }
    }

    private void onText(Listener connection, String frame) {
        ConnectionId id = connection.id;
        if (rateLimited(connection)) {
            telemetry.messageReceived(Telemetry.UNREADABLE);
            return;
        }
        if (isTooLarge(frame)) {
            telemetry.messageReceived(Telemetry.UNREADABLE);
            inOrder(connection, () -> channel.send(id, new ErrorMessage(ErrorCode.MESSAGE_TOO_LARGE,
                    "Messages are at most " + settings.maxMessageBytes() + " bytes")));
            return;
        }
        UserId user = connection.user;
        // Only a database-bound frame looks at the budgets: the fair work's lock, which a flood's
        // frames contend for, is no place for another user's PING to wait (issue 14, JFR).
        Optional<String> databaseBound = user == null ? Optional.empty()
                : decoder.leadingType(frame).flatMap(MessageDispatcher::databaseBoundType);
        if (databaseBound.isPresent()) {
            FairDatabaseWork.Admission admission = databaseWork.wouldAdmit(user);
            if (admission != FairDatabaseWork.Admission.QUEUED) {
                telemetry.messageReceived(databaseBound.get());
                refuseOverBudget(connection, admission); // without parsing the payload: it could not run anyway
                return;
            }
        }
        switch (decoder.decode(frame)) {
            case ClientMessageDecoder.Decoded.Invalid invalid -> {
                telemetry.messageReceived(Telemetry.UNREADABLE);
                inOrder(connection, () -> channel.send(id, new ErrorMessage(invalid.code(), invalid.message())));
            }
            case ClientMessageDecoder.Decoded.Message decoded -> {
                telemetry.messageReceived(MessageDispatcher.wireType(decoded.message()));
                if (MessageDispatcher.isDatabaseBound(decoded.message())) {
                    queueDatabaseBound(connection, decoded.message());
                } else {
                    inOrder(connection, () -> dispatcher.dispatch(id, decoded.message()));
                }
            }
        }
    }

    /**
     * Hands the message to the fair workers, or answers OVER_BUDGET; closes with 4029 a connection
     * that keeps sending over budget. A connection that was never admitted has no budget and holds
     * nothing: its messages are dropped, as the use cases would.
     */
    private void queueDatabaseBound(Listener connection, ClientMessage message) {
        UserId user = connection.user;
        if (user == null) {
            return;
        }
        ConnectionId id = connection.id;
        Listener.PENDING.incrementAndGet(connection);
        FairDatabaseWork.Admission admission = databaseWork.submit(user, afterwardsDone(connection, () -> dispatcher.dispatch(id, message)));
        if (admission == FairDatabaseWork.Admission.QUEUED) {
            return;
        }
        Listener.PENDING.decrementAndGet(connection);
        refuseOverBudget(connection, admission);
    }

    /**
     * Answers OVER_BUDGET and lets the connection wait for the budget before it is read again;
     * closes with 4029 a connection that keeps sending over budget.
     */
    private void refuseOverBudget(Listener connection, FairDatabaseWork.Admission admission) {
        ConnectionId id = connection.id;
        UserId user = connection.user;
        if (connection.strikes == null) {
            connection.strikes = new TokenBucket((double) FairnessSettings.STRIKES_BEFORE_CLOSE / FairnessSettings.STRIKE_WINDOW_SECONDS,
                    FairnessSettings.STRIKES_BEFORE_CLOSE, ticker);
        }
        if (connection.closedOverBudget) {
            return;
        }
        if (!connection.strikes.tryTake()) {
            connection.closedOverBudget = true;
            LOG.warn("Connection {} of user {} kept sending over its budget; closing it", id, user);
            channel.close(id, CloseReason.OVER_BUDGET);
            return;
        }
        connection.toldOverBudget = true;
        ErrorMessage overBudget = new ErrorMessage(ErrorCode.OVER_BUDGET, admission == FairDatabaseWork.Admission.USER_OVER_BUDGET
                ? "At most " + fairness.userMessagesPerSecond() + " SUBSCRIBE, UNSUBSCRIBE, UNSUBSCRIBE_ALL and TOKEN_REFRESH"
                        + " per second per user, across its connections; this one was dropped"
                : "The server is busy; this message was dropped, send it again later");
        inOrder(connection, () -> channel.send(id, overBudget));
    }

    /**
     * Runs an answer that needs no database (a PONG, a STATUS report, an ERROR) at once, unless
     * database-bound messages of the same connection are still queued: then after them, so that a
     * connection's answers keep the order of its messages. Another user's work never delays it.
     */
    private void inOrder(Listener connection, Runnable answer) {
        UserId user = connection.user;
        if (user != null && connection.pendingDatabaseWork > 0) {
            Listener.PENDING.incrementAndGet(connection);
            if (databaseWork.submitInOrder(user, afterwardsDone(connection, answer))) {
                return;
            }
            Listener.PENDING.decrementAndGet(connection);
        }
        answer.run();
    }

    private static Runnable afterwardsDone(Listener connection, Runnable work) {
        return () -> {
            try {
                work.run();
            } finally {
                connection.databaseWorkDone();
            }
        };
    }

    /** Answers RATE_LIMITED and returns true when the connection sent too many messages this second. */
    private boolean rateLimited(Listener connection) {
        if (connection.rate.admit(ticker.getAsLong())) {
            return false;
        }
        inOrder(connection, () -> channel.send(connection.id, new ErrorMessage(ErrorCode.RATE_LIMITED,
                "At most " + settings.maxMessagesPerSecond() + " messages per second; this one was dropped")));
        return true;
    }

    private boolean isTooLarge(String frame) {
        int max = settings.maxMessageBytes();
        if (frame.length() <= max / 3) {
            return false; // even at three UTF-8 bytes per char it fits: no need to encode
        }
        return frame.length() > max || frame.getBytes(StandardCharsets.UTF_8).length > max;
    }
}
