package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.usecase.CheckHealthUseCase.HealthReport;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectCommand;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectResult;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectCommand;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectResult;
import dev.rtsync.application.usecase.PingUseCase.PingCommand;
import dev.rtsync.application.usecase.RefreshTokenUseCase;
import dev.rtsync.application.usecase.RefreshTokenUseCase.RefreshTokenCommand;
import dev.rtsync.application.usecase.StatusUseCase.StatusCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeTypeCommand;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase.UnsubscribeAllCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeTypeCommand;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * The driving adapter: serves the wire protocol at {@code ws://HOST:PORT?token=<JWT>} and turns
 * every client frame into one use case call. On the same port Javalin serves what
 * {@link OperationsEndpoints} offers: {@code /health} (from the health use case), the probes
 * {@code /health/live} and {@code /health/ready}, and {@code /metrics}. Every frame received is
 * reported to the channel's {@link Telemetry}.
 *
 * <p>The upgrade always completes, so that a browser sees the {@code ERROR AUTH_FAILED} and the
 * 4001 close of a bad token instead of a bare 1006; the token goes to the Connect use case only,
 * and it is never logged (nor is the query string that carries it). Any frame of a connection the
 * Connect use case refused is ignored by the use cases, which find no such connection.
 *
 * <p>The WebSocket endpoint is a Jetty {@link JettyWebSocketServlet} mapped to the root path
 * alone, beside Javalin's servlet, which serves {@code /health}. Each connection is one small
 * {@link Endpoint} that holds its id, its message rate and its session. Javalin's own WebSocket
 * routes keep the upgrade request's whole servlet context for the life of every connection (request,
 * response, HTTP parser, header, cookie and attribute maps): about 16 KB of heap per connection
 * in all, where this endpoint needs about half (measured in {@code docs/benchmarks.md}).
 *
 * <p>PING, STATUS and every answer the server decides without the database are handled on the
 * thread that read the frame. The database-bound messages (SUBSCRIBE, UNSUBSCRIBE,
 * UNSUBSCRIBE_ALL, TOKEN_REFRESH) and a closed connection's clean-up go to {@link FairDatabaseWork},
 * within the budgets of {@link FairnessSettings}: one user's flood waits in that user's own queue,
 * never in front of another user's PING or INVALIDATE (ADR 0014).
 */
public final class JavalinWebSocketServer {

    private static final Logger LOG = LoggerFactory.getLogger(JavalinWebSocketServer.class);

    static final String THREAD_NAME = "rtsync-jetty";
    /** What HTTP callers are told when the database does not answer; the details go to the log only. */
    static final String DATABASE_UNAVAILABLE = "database unavailable";

    private final WebSocketSettings settings;
    private final FairnessSettings fairness;
    private final LongSupplier ticker;
    private final FairDatabaseWork databaseWork;
    private final ClientUseCases useCases;
    private final WebSocketClientChannel channel;
    private final OperationsEndpoints operations;
    private final Telemetry telemetry;
    private final ClientMessageDecoder decoder = new ClientMessageDecoder();
    private final ObjectMapper json = new ObjectMapper();
    private final Javalin app;
    private final QueuedThreadPool threads;

    /**
     * @param channel    the channel the use cases were built with; this server opens and closes its sessions
     * @param operations {@code /health}, the probes and the metrics
     */
    public JavalinWebSocketServer(WebSocketSettings settings, ClientUseCases useCases, WebSocketClientChannel channel,
                                  OperationsEndpoints operations) {
        this(settings, FairnessSettings.DEFAULTS, useCases, channel, operations);
    }

    /**
     * @param fairness   the budgets of database-bound messages and the workers that run them
     * @param channel    the channel the use cases were built with; this server opens and closes its sessions
     * @param operations {@code /health}, the probes and the metrics
     */
    public JavalinWebSocketServer(WebSocketSettings settings, FairnessSettings fairness, ClientUseCases useCases,
                                  WebSocketClientChannel channel, OperationsEndpoints operations) {
        this(settings, fairness, useCases, channel, operations, System::nanoTime);
    }

    /** @param ticker the time, in nanoseconds, by which the rate limit and the budgets refill: tests choose it */
    JavalinWebSocketServer(WebSocketSettings settings, FairnessSettings fairness, ClientUseCases useCases,
                           WebSocketClientChannel channel, OperationsEndpoints operations, LongSupplier ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fairness = Objects.requireNonNull(fairness, "fairness");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.useCases = Objects.requireNonNull(useCases, "use cases");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.telemetry = channel.telemetry();
        this.databaseWork = new FairDatabaseWork(fairness, ticker);
        this.threads = new QueuedThreadPool(settings.maxThreads(), WebSocketSettings.MIN_THREADS);
        threads.setName(THREAD_NAME);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.jetty.threadPool = threads;
            // "" is the servlet mapping of the root path alone: ws://HOST:PORT and ws://HOST:PORT/ come
            // here, every other path (/health) goes on to Javalin's servlet at /*.
            config.jetty.modifyServletContextHandler(context ->
                    context.addServlet(new ServletHolder("rtsync-websocket", new EndpointServlet()), ""));
            config.routes.get("/health", this::health);
            config.routes.get("/health/live", this::live);
            config.routes.get("/health/ready", this::ready);
            operations.metrics().ifPresent(metrics -> config.routes.get("/metrics",
                    ctx -> ctx.contentType(OperationsEndpoints.PROMETHEUS_TEXT).result(metrics.get())));
        });
    }

    /** Binds the port and serves; returns once clients can connect. */
    public JavalinWebSocketServer start() {
        app.start();
        LOG.info("Serving WebSocket clients and /health on port {}", app.port());
        return this;
    }

    /** The Jetty server under Javalin, for binding its metrics; it exists once {@link #start} returned. */
    public org.eclipse.jetty.server.Server jettyServer() {
        return app.jettyServer().server();
    }

    /** The bound port, useful when the settings asked for port 0. */
    public int port() {
        return app.port();
    }

    /**
     * Closes every connection with 1001 (going away) after the messages already queued for it,
     * waits up to the close grace for them to close, and stops the server.
     */
    public void stop() {
        channel.closeAll(CloseCode.GOING_AWAY);
        long deadline = System.nanoTime() + settings.closeGrace().toNanos();
        while (channel.openSessions() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
        databaseWork.stop(settings.closeGrace());
        channel.shutdown();
        LOG.info("WebSocket server stopped");
    }

    /** Serves the upgrade of the root path and makes one {@link Endpoint} per connection. */
    private final class EndpointServlet extends JettyWebSocketServlet {
        @Override
        protected void configure(JettyWebSocketServletFactory factory) {
            factory.setIdleTimeout(settings.idleTimeout());
            // Up to the limit a frame is answered ERROR MESSAGE_TOO_LARGE; past twice it Jetty closes with 1009.
            factory.setMaxTextMessageSize(2L * settings.maxMessageBytes());
            factory.setMaxBinaryMessageSize(2L * settings.maxMessageBytes());
            factory.setCreator((request, response) -> {
                // Browsers offer permessage-deflate; accepted, each connection keeps a zlib deflater and
                // inflater from its first message on: 130 KB per connection instead of 25 KB, to
                // compress messages of a few hundred bytes (ADR 0010, docs/benchmarks.md).
                response.setExtensions(List.of());
                return new Endpoint(tokenOf(request));
            });
        }
    }

    private static String tokenOf(JettyServerUpgradeRequest request) {
        List<String> values = request.getParameterMap().get("token");
        return values == null || values.isEmpty() || values.getFirst() == null ? "" : values.getFirst();
    }

    /**
     * One connection: all this server keeps of it besides Jetty's own session. Jetty calls it for
     * one frame at a time, so the rate counter needs no lock. Public only because Jetty invokes
     * the listener through public method handles; only this server makes one.
     */
    public final class Endpoint implements Session.Listener {
        private static final AtomicIntegerFieldUpdater<Endpoint> PENDING =
                AtomicIntegerFieldUpdater.newUpdater(Endpoint.class, "pendingDatabaseWork");

        private final ConnectionId id = new ConnectionId(UUID.randomUUID().toString());
        private final MessageRate rate = new MessageRate(settings.maxMessagesPerSecond());
        private String token; // until the connection is opened; then dropped
        private Session session;
        private volatile UserId user; // once admitted
        private TokenBucket strikes; // from the first message over budget on; Jetty calls one frame at a time
        private boolean closedOverBudget;
        private volatile int pendingDatabaseWork; // queued or running; through PENDING only

        Endpoint(String token) {
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
                        LOG.info("Connection {} opened for user {}", id, user);
                    }
                    case ConnectResult.Refused refused -> LOG.info("Connection {} refused: {} ({})", id, refused.code(), refused.reason());
                }
            } catch (RuntimeException e) {
                LOG.error("Connection {}: opening failed", id, e);
            }
            session.demand();
        }

        /**
         * Asks for the next frame from a task at the back of the thread pool's queue, instead of
         * reading on in this thread: a client that sends without pause would otherwise keep its thread
         * for as long as it sends, and 32 such connections held every thread while another user's PING
         * waited unread (issue 14, measured by the flood scenario). Connections take turns instead.
         */
        private void demandInTurn() {
            try {
                threads.execute(session::demand);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                session.demand(); // the pool is stopping or full: read on in this thread rather than stall
            }
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            demandInTurn(); // Jetty answers the PING frame itself
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            demandInTurn();
        }

        @Override
        public void onWebSocketText(String frame) {
            try {
                onMessage(this, frame);
            } catch (RuntimeException e) {
                LOG.error("Connection {}: handling a message failed", id, e);
            } finally {
                demandInTurn();
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
                demandInTurn();
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            try {
                channel.closed(id);
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
                LOG.info("Connection {} of user {} closed: {} {}", id, closed.user(), statusCode, Objects.toString(reason, ""));
            }
        }

        @Override
        public void onWebSocketError(Throwable error) {
            LOG.debug("Connection {}: {}", id, error == null ? "error" : error.toString());
        }
    }

    private void onMessage(Endpoint endpoint, String frame) {
        ConnectionId id = endpoint.id;
        if (rateLimited(endpoint)) {
            telemetry.messageReceived(Telemetry.UNREADABLE);
            return;
        }
        if (isTooLarge(frame)) {
            telemetry.messageReceived(Telemetry.UNREADABLE);
            inOrder(endpoint, () -> channel.send(id, new ErrorMessage(ErrorCode.MESSAGE_TOO_LARGE,
                    "Messages are at most " + settings.maxMessageBytes() + " bytes")));
            return;
        }
        switch (decoder.decode(frame)) {
            case ClientMessageDecoder.Decoded.Invalid invalid -> {
                telemetry.messageReceived(Telemetry.UNREADABLE);
                inOrder(endpoint, () -> channel.send(id, new ErrorMessage(invalid.code(), invalid.message())));
            }
            case ClientMessageDecoder.Decoded.Message decoded -> {
                telemetry.messageReceived(wireType(decoded.message()));
                if (isDatabaseBound(decoded.message())) {
                    queueDatabaseBound(endpoint, decoded.message());
                } else {
                    inOrder(endpoint, () -> dispatch(id, decoded.message()));
                }
            }
        }
    }

    private void dispatch(ConnectionId id, ClientMessage message) {
        try {
            switch (message) {
                case ClientMessage.Subscribe subscribe ->
                        useCases.subscribe().subscribe(new SubscribeCommand(id, subscribe.entityCode(), subscribe.entityIds()));
                case ClientMessage.Unsubscribe unsubscribe ->
                        useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(id, unsubscribe.entityCode(), unsubscribe.entityIds()));
                case ClientMessage.UnsubscribeAll unsubscribeAll ->
                        useCases.unsubscribeAll().unsubscribeAll(new UnsubscribeAllCommand(id));
                case ClientMessage.Ping ping -> useCases.ping().ping(new PingCommand(id));
                case ClientMessage.TokenRefresh refresh -> {
                    if (useCases.refreshToken().refresh(new RefreshTokenCommand(id, refresh.token()))
                            instanceof RefreshTokenUseCase.RefreshResult.Refused refused) {
                        LOG.info("Connection {} refused a token refresh ({})", id, refused.reason());
                    }
                }
                case ClientMessage.Status status -> useCases.status().status(new StatusCommand(id));
                case ClientMessage.SubscribeType subscribeType ->
                        useCases.subscribe().subscribeToType(new SubscribeTypeCommand(id, subscribeType.entityCode()));
                case ClientMessage.UnsubscribeType unsubscribeType ->
                        useCases.unsubscribe().unsubscribeFromType(new UnsubscribeTypeCommand(id, unsubscribeType.entityCode()));
            }
        } catch (RuntimeException e) {
            LOG.error("Connection {}: handling {} failed", id, message.getClass().getSimpleName(), e);
            channel.send(id, ErrorMessage.of(ErrorCode.INTERNAL_ERROR));
        }
    }

    private static boolean isDatabaseBound(ClientMessage message) {
        return switch (message) {
            case ClientMessage.Subscribe subscribe -> true;
            case ClientMessage.Unsubscribe unsubscribe -> true;
            case ClientMessage.UnsubscribeAll unsubscribeAll -> true;
            case ClientMessage.TokenRefresh refresh -> true;
            case ClientMessage.SubscribeType subscribeType -> true;
            case ClientMessage.UnsubscribeType unsubscribeType -> true;
            case ClientMessage.Ping ping -> false;
            case ClientMessage.Status status -> false;
        };
    }

    /**
     * Hands the message to the fair workers, or answers OVER_BUDGET; closes with 4029 a connection
     * that keeps sending over budget. A connection that was never admitted has no budget and holds
     * nothing: its messages are dropped, as the use cases would.
     */
    private void queueDatabaseBound(Endpoint endpoint, ClientMessage message) {
        UserId user = endpoint.user;
        if (user == null) {
            return;
        }
        ConnectionId id = endpoint.id;
        Endpoint.PENDING.incrementAndGet(endpoint);
        FairDatabaseWork.Admission admission = databaseWork.submit(user, afterwardsDone(endpoint, () -> dispatch(id, message)));
        if (admission == FairDatabaseWork.Admission.QUEUED) {
            return;
        }
        Endpoint.PENDING.decrementAndGet(endpoint);
        if (endpoint.strikes == null) {
            endpoint.strikes = new TokenBucket((double) FairnessSettings.STRIKES_BEFORE_CLOSE / FairnessSettings.STRIKE_WINDOW_SECONDS,
                    FairnessSettings.STRIKES_BEFORE_CLOSE, ticker);
        }
        if (endpoint.closedOverBudget) {
            return;
        }
        if (!endpoint.strikes.tryTake()) {
            endpoint.closedOverBudget = true;
            LOG.warn("Connection {} of user {} kept sending over its budget; closing it", id, user);
            channel.close(id, CloseReason.OVER_BUDGET);
            return;
        }
        ErrorMessage overBudget = new ErrorMessage(ErrorCode.OVER_BUDGET, admission == FairDatabaseWork.Admission.USER_OVER_BUDGET
                ? "At most " + fairness.userMessagesPerSecond() + " SUBSCRIBE, UNSUBSCRIBE, UNSUBSCRIBE_ALL and TOKEN_REFRESH"
                        + " per second per user, across its connections; this one was dropped"
                : "The server is busy; this message was dropped, send it again later");
        inOrder(endpoint, () -> channel.send(id, overBudget));
    }

    /**
     * Runs an answer that needs no database (a PONG, a STATUS report, an ERROR) at once, unless
     * database-bound messages of the same connection are still queued: then after them, so that a
     * connection's answers keep the order of its messages. Another user's work never delays it.
     */
    private void inOrder(Endpoint endpoint, Runnable answer) {
        UserId user = endpoint.user;
        if (user != null && endpoint.pendingDatabaseWork > 0) {
            Endpoint.PENDING.incrementAndGet(endpoint);
            if (databaseWork.submitInOrder(user, afterwardsDone(endpoint, answer))) {
                return;
            }
            Endpoint.PENDING.decrementAndGet(endpoint);
        }
        answer.run();
    }

    private static Runnable afterwardsDone(Endpoint endpoint, Runnable work) {
        return () -> {
            try {
                work.run();
            } finally {
                Endpoint.PENDING.decrementAndGet(endpoint);
            }
        };
    }

    /** Answers RATE_LIMITED and returns true when the connection sent too many messages this second. */
    private boolean rateLimited(Endpoint endpoint) {
        if (endpoint.rate.admit(ticker.getAsLong())) {
            return false;
        }
        inOrder(endpoint, () -> channel.send(endpoint.id, new ErrorMessage(ErrorCode.RATE_LIMITED,
                "At most " + settings.maxMessagesPerSecond() + " messages per second; this one was dropped")));
        return true;
    }

    private void health(Context ctx) throws JsonProcessingException {
        HealthReport report = operations.health().check();
        ObjectNode body = json.createObjectNode();
        body.put("status", report.healthy() ? "ok" : "unavailable");
        // A fixed reason: the driver's message names hosts and users; the log has it (CheckHealthUseCase).
        report.databaseProblem().ifPresent(problem -> body.put("reason", DATABASE_UNAVAILABLE));
        body.putObject("connections").put("connections", report.connections()).put("users", report.users());
        ctx.status(report.healthy() ? 200 : 503).contentType("application/json").result(json.writeValueAsString(body));
    }

    /** 200 while the process does its work; never asks the database, so a database outage restarts nothing. */
    private void live(Context ctx) throws JsonProcessingException {
        boolean alive = operations.alive().getAsBoolean();
        probeAnswer(ctx, alive ? Optional.empty() : Optional.of("the change watcher stopped"));
    }

    /** 200 when the database answers and is migrated: the instance may be given clients. */
    private void ready(Context ctx) throws JsonProcessingException {
        probeAnswer(ctx, operations.health().check().databaseProblem().map(problem -> DATABASE_UNAVAILABLE));
    }

    private void probeAnswer(Context ctx, Optional<String> problem) throws JsonProcessingException {
        ObjectNode body = json.createObjectNode();
        boolean ok = problem.isEmpty();
        body.put("status", ok ? "ok" : "unavailable");
        problem.ifPresent(reason -> body.put("reason", reason));
        ctx.status(ok ? 200 : 503).contentType("application/json").result(json.writeValueAsString(body));
    }

    /** The message's {@code type} on the wire, for telemetry: never a value the client chose. */
    private static String wireType(ClientMessage message) {
        return switch (message) {
            case ClientMessage.Subscribe subscribe -> ClientMessage.Subscribe.TYPE;
            case ClientMessage.Unsubscribe unsubscribe -> ClientMessage.Unsubscribe.TYPE;
            case ClientMessage.UnsubscribeAll unsubscribeAll -> ClientMessage.UnsubscribeAll.TYPE;
            case ClientMessage.Ping ping -> ClientMessage.Ping.TYPE;
            case ClientMessage.Status status -> ClientMessage.Status.TYPE;
            case ClientMessage.TokenRefresh refresh -> ClientMessage.TokenRefresh.TYPE;
            case ClientMessage.SubscribeType subscribeType -> ClientMessage.SubscribeType.TYPE;
            case ClientMessage.UnsubscribeType unsubscribeType -> ClientMessage.UnsubscribeType.TYPE;
        };
    }

    private boolean isTooLarge(String frame) {
        int max = settings.maxMessageBytes();
        if (frame.length() <= max / 3) {
            return false; // even at three UTF-8 bytes per char it fits: no need to encode
        }
        return frame.length() > max || frame.getBytes(StandardCharsets.UTF_8).length > max;
    }

    /** Counts one connection's messages in one-second windows. */
    private static final class MessageRate {
        private static final long SECOND = 1_000_000_000L;
        private final int perSecond;
        private long windowStart = Long.MIN_VALUE;
        private int count;

        MessageRate(int perSecond) {
            this.perSecond = perSecond;
        }

        boolean admit(long now) {
            if (windowStart == Long.MIN_VALUE || now - windowStart >= SECOND) {
                windowStart = now;
                count = 0;
            }
            return ++count <= perSecond;
        }
    }
}
