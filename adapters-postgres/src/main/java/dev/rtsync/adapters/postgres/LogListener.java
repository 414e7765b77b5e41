package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.WakeUp;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * LISTENs on {@code rtsync_log} on a connection of its own (a pooled connection would lose the
 * LISTEN when handed back). The trigger on {@code app.logging} notifies at the commit of any
 * transaction that logged a non-VIEW row.
 *
 * <p>When the connection is lost it reconnects on the next wait. A notification sent while no
 * connection listened is lost, so a wait that had to reconnect answers {@link WakeUp#NOTIFIED}:
 * the watcher reads once more rather than wait for the fallback. Used by one thread at a time.
 */
final class LogListener implements AutoCloseable {

    static final String CHANNEL = "rtsync_log";

    private static final Logger LOG = LoggerFactory.getLogger(LogListener.class);
    // How often a wait looks at the thread's interrupt flag; the driver's wait cannot be interrupted.
    private static final long SLICE_MILLIS = 100;
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    // A silent connection is checked at most this often, so a short fallback does not add a query per wait.
    private static final long VALIDATE_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private final DatabaseUrl url;
    private Connection connection;
    private boolean lost;
    private long validatedAt = System.nanoTime();

    LogListener(DatabaseUrl url) {
        this.url = url;
        try {
            connect();
        } catch (SQLException e) {
            // The database may be down at start; the first wait tries again.
            noteLoss(e);
        }
    }

    WakeUp await(Duration fallback) throws InterruptedException {
        long deadline = System.nanoTime() + fallback.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped while waiting for changes");
            }
            long remainingMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (connection == null) {
                if (tryReconnect()) {
                    return WakeUp.NOTIFIED; // something may have been committed while we were deaf
                }
                if (remainingMillis <= 0) {
                    return WakeUp.FALLBACK_POLL;
                }
                Thread.sleep(Math.min(remainingMillis, RECONNECT_PAUSE.toMillis()));
                continue;
            }
            if (remainingMillis <= 0) {
                return checkedFallback();
            }
            try {
                PGNotification[] notifications = connection.unwrap(PGConnection.class)
                        .getNotifications((int) Math.max(1, Math.min(remainingMillis, SLICE_MILLIS)));
                if (notifications != null && notifications.length > 0) {
                    return WakeUp.NOTIFIED;
                }
            } catch (SQLException e) {
                closeQuietly();
                if (Thread.currentThread().isInterrupted()) {
                    // A virtual thread's blocking read ends by closing the socket when interrupted: a stop, not a loss.
                    throw new InterruptedException("stopped while waiting for changes");
                }
                noteLoss(e);
            }
        }
    }

    /** A quiet fallback interval may also mean a half-open connection: check it before trusting it. */
    private WakeUp checkedFallback() {
        if (System.nanoTime() - validatedAt < VALIDATE_EVERY_NANOS) {
            return WakeUp.FALLBACK_POLL;
        }
        validatedAt = System.nanoTime();
        try {
            if (!connection.isValid(2)) {
                noteLoss(new SQLException("listener connection is no longer valid"));
                closeQuietly();
            }
        } catch (SQLException e) {
            noteLoss(e);
            closeQuietly();
        }
        return WakeUp.FALLBACK_POLL;
    }

    private boolean tryReconnect() {
        try {
            connect();
            LOG.info("Listening for change notifications again on {}", url);
            lost = false;
            return true;
        } catch (SQLException e) {
            noteLoss(e);
            return false;
        }
    }

    private void connect() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(url.parameters());
        properties.setProperty("user", url.user());
        url.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("tcpKeepAlive", "true");
        properties.putIfAbsent("ApplicationName", "rtsync-listener");
        Connection fresh = new org.postgresql.Driver().connect(url.jdbcUrl(), properties);
        if (fresh == null) {
            throw new SQLException("the PostgreSQL driver does not accept " + url);
        }
        try (Statement statement = fresh.createStatement()) {
            statement.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            fresh.close();
            throw e;
        }
        connection = fresh;
        validatedAt = System.nanoTime();
    }

    private void noteLoss(SQLException e) {
        if (!lost) { // once per outage, not once per retry
            LOG.warn("Change notifications unavailable ({}); retrying, with the fallback poll meanwhile", e.getMessage());
            lost = true;
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
