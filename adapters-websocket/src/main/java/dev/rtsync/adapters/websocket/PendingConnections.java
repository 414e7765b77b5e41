package dev.rtsync.adapters.websocket;

import dev.rtsync.application.port.out.Telemetry;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.Container;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts and caps the connections of the service port that are not WebSocket connections (yet):
 * from the TCP accept to the answered upgrade, or for the life of a plain HTTP connection
 * ({@code /health}). Admitted WebSocket connections are counted by the registry instead; nothing
 * else bounded these, so a client that opens connections and sends a partial handshake, or
 * nothing (slowloris), could hold sockets, buffers and file descriptors without limit.
 *
 * <p>Past {@code max} at once, a new connection is closed as soon as it is accepted, before anything
 * is read from it, and counted ({@link Telemetry#pendingConnectionRefused}). Each connection has
 * {@code deadline} to be upgraded: one that is not by then is closed
 * ({@link Telemetry#pendingConnectionTimedOut}), however slowly it keeps sending, so the cap frees
 * itself. Jetty tells this listener of every connection: at an upgrade the HTTP connection closes
 * and a {@link WebSocketConnection} opens on the same socket.
 */
final class PendingConnections implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(PendingConnections.class);

    private final int max;
    private final Duration deadline;
    private final Telemetry telemetry;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<Connection, ScheduledFuture<?>> deadlines = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;

    PendingConnections(int max, Duration deadline, Telemetry telemetry) {
        this.max = max;
        this.deadline = deadline;
        this.telemetry = telemetry;
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("rtsync-handshake-deadline").daemon(true).factory());
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Listens to the connections of every connector the server has or gets. */
    void watch(Server server) {
        for (Connector connector : server.getConnectors()) {
            connector.addEventListener(this);
        }
        server.addEventListener(new Container.Listener() {
            @Override
            public void beanAdded(Container parent, Object child) {
                if (child instanceof Connector connector && parent == server) {
                    connector.addEventListener(PendingConnections.this);
                }
            }

            @Override
            public void beanRemoved(Container parent, Object child) {
            }
        });
    }

    /** How many connections are open and not WebSocket connections, for tests and metrics. */
    int count() {
        return pending.get();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof WebSocketConnection) {
            return;
        }
        if (pending.incrementAndGet() > max) {
            telemetry.pendingConnectionRefused();
            LOG.debug("Refused a connection: {} connections wait for their upgrade already", max);
            connection.getEndPoint().close(); // onClosed counts it down
            return;
        }
        deadlines.put(connection, timer.schedule(() -> closeIfNotUpgraded(connection), deadline.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof WebSocketConnection) {
            return;
        }
        pending.decrementAndGet();
        ScheduledFuture<?> timeout = deadlines.remove(connection);
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    private void closeIfNotUpgraded(Connection connection) {
        deadlines.remove(connection);
        EndPoint endPoint = connection.getEndPoint();
        if (endPoint.isOpen() && endPoint.getConnection() == connection) {
            telemetry.pendingConnectionTimedOut();
            LOG.debug("Closed a connection that was not upgraded within {}", deadline);
            endPoint.close();
        }
    }

    void stop() {
        timer.shutdownNow();
    }
}
