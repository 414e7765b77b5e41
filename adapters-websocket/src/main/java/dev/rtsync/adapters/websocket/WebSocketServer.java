package dev.rtsync.adapters.websocket;

import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.usecase.ClientUseCases;
import io.javalin.Javalin;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The driving adapter's server: one port, one Jetty, two things mounted on it. The wire protocol at
 * {@code ws://HOST:PORT?token=<JWT>} is {@link WebSocketEndpoint}, Jetty core's WebSocket upgrade
 * of the root path alone, in front of Javalin; the HTTP routes ({@code /health}, the probes,
 * {@code /metrics} if asked) are {@link OperationsRoutes}, served by Javalin's servlet at {@code /*}. This class builds the
 * thread pool they share, caps the connections still in their handshake ({@link PendingConnections}),
 * starts them and stops them in order.
 */
public final class WebSocketServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketServer.class);

    static final String THREAD_NAME = "rtsync-jetty";

    private final WebSocketSettings settings;
    private final WebSocketClientChannel channel;
    private final WebSocketEndpoint endpoint;
    private final PendingConnections pending;
    private final Javalin app;

    /**
     * @param channel    the channel the use cases were built with; this server opens and closes its sessions
     * @param telemetry  where every frame received and every connection opened and closed is counted
     * @param operations {@code /health}, the probes and the metrics
     */
    public WebSocketServer(WebSocketSettings settings, ClientUseCases useCases, WebSocketClientChannel channel,
                           Telemetry telemetry, OperationsEndpoints operations) {
        this(settings, FairnessSettings.DEFAULTS, useCases, channel, telemetry, operations);
    }

    /** @param fairness the budgets of database-bound messages and the workers that run them */
    public WebSocketServer(WebSocketSettings settings, FairnessSettings fairness, ClientUseCases useCases,
                           WebSocketClientChannel channel, Telemetry telemetry, OperationsEndpoints operations) {
        this(settings, fairness, useCases, channel, telemetry, operations, System::nanoTime);
    }

    /** @param ticker the time, in nanoseconds, by which the rate limit and the budgets refill: tests choose it */
    WebSocketServer(WebSocketSettings settings, FairnessSettings fairness, ClientUseCases useCases,
                    WebSocketClientChannel channel, Telemetry telemetry, OperationsEndpoints operations, LongSupplier ticker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.channel = Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(useCases, "use cases");
        OperationsRoutes routes = new OperationsRoutes(Objects.requireNonNull(operations, "operations"));
        QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), WebSocketSettings.MIN_THREADS);
        threads.setName(THREAD_NAME);
        this.endpoint = new WebSocketEndpoint(settings, fairness, useCases, channel, telemetry, threads, ticker);
        this.pending = new PendingConnections(settings.maxPendingConnections(), settings.handshakeTimeout(),
                Objects.requireNonNull(telemetry, "telemetry"));
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.jetty.threadPool = threads;
            // The upgrade of the root path (ws://HOST:PORT and ws://HOST:PORT/) in front of Javalin's
            // servlet context, which Javalin puts inside it: every other request (/health) goes on to it.
            config.jetty.modifyServer(server -> server.setHandler(endpoint.upgradeHandler(server)));
            config.jetty.modifyServer(pending::watch);
            routes.addTo(config);
        });
    }

    /** Binds the port and serves; returns once clients can connect. */
    public WebSocketServer start() {
        app.start();
        LOG.info("Serving WebSocket clients and /health on port {}", app.port());
        return this;
    }

    /** The Jetty server under Javalin, for binding its metrics; it exists once {@link #start} returned. */
    public org.eclipse.jetty.server.Server jettyServer() {
        return app.jettyServer().server();
    }

    /**
     * The connections of the service port that are not WebSocket connections: handshakes not yet
     * answered, and plain HTTP; at most {@link WebSocketSettings#maxPendingConnections}.
     */
    public int pendingConnections() {
        return pending.count();
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
        endpoint.closing();
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
        pending.stop();
        endpoint.stop(settings.closeGrace());
        channel.shutdown();
        LOG.info("WebSocket server stopped");
    }

    /** The fair workers of database-bound messages, for tests. */
    FairDatabaseWork databaseWork() {
        return endpoint.databaseWork();
    }
}
