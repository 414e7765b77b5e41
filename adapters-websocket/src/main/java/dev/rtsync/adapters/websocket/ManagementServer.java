package dev.rtsync.adapters.websocket;

import io.javalin.Javalin;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The operators' port: {@code GET /metrics} in Prometheus' text format, apart from the port the
 * browsers reach. A proxy that exposes the WebSocket port to the internet exposes nothing of the
 * metrics, and a scrape never competes with the clients for the service port's threads. A few
 * threads of its own suffice: one scrape every few seconds.
 */
public final class ManagementServer {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    static final String THREAD_NAME = "rtsync-management";
    private static final int THREADS = 8;

    private final Javalin app;

    /**
     * @param host    the address to bind, such as {@code 0.0.0.0}
     * @param port    the management port; 0 binds a free one (tests)
     * @param metrics the metrics page, made afresh at every scrape
     */
    public ManagementServer(String host, int port, Supplier<String> metrics) {
        Objects.requireNonNull(metrics, "metrics");
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            QueuedThreadPool threads = new QueuedThreadPool(THREADS, 2);
            threads.setName(THREAD_NAME);
            config.jetty.threadPool = threads;
            config.routes.get("/metrics", ctx -> ctx.contentType(OperationsEndpoints.PROMETHEUS_TEXT).result(metrics.get()));
        });
    }

    /** Binds the port and serves; returns once scrapes can come. */
    public ManagementServer start() {
        app.start();
        LOG.info("Serving /metrics on management port {}", app.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
    }
}
