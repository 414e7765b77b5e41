package dev.rtsync.adapters.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * The connection pool and the {@link Jdbi} over it that the PostgreSQL adapters share; the
 * composition root opens one and closes it at shutdown. The change log's wake-up listener
 * opens its own connection from {@link #url()}, outside the pool.
 */
public final class PostgresDatabase implements AutoCloseable {

    /**
     * @param maxPoolSize       connections the pool may hold
     * @param connectionTimeout how long a caller waits for a connection before the database counts
     *                          as unavailable
     */
    public record Settings(int maxPoolSize, Duration connectionTimeout) {
        public static final Settings DEFAULT = new Settings(10, Duration.ofSeconds(3));

        public Settings {
            if (maxPoolSize < 1) {
                throw new IllegalArgumentException("the pool needs at least one connection");
            }
            if (connectionTimeout.toMillis() < 250) {
                throw new IllegalArgumentException("the connection timeout must be at least 250 ms (Hikari's minimum)");
            }
        }
    }

    /**
     * The pool's state now, for metrics; the adapter stays free of any metrics library.
     *
     * @param active  connections lent out
     * @param idle    connections waiting in the pool
     * @param waiting threads waiting for a connection
     * @param max     the most connections the pool may hold
     */
    public record PoolUsage(int active, int idle, int waiting, int max) {
    }

    private final DatabaseUrl url;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private PostgresDatabase(DatabaseUrl url, HikariDataSource pool) {
        this.url = url;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /** Opens a pool; it connects lazily, so a database that is down now is not an error here. */
    public static PostgresDatabase open(DatabaseUrl url, Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setPoolName("rtsync-postgres");
        // Start even when the database is down; the health probe and the watcher report it.
        config.setInitializationFailTimeout(-1);
        return new PostgresDatabase(url, new HikariDataSource(config));
    }

    public static PostgresDatabase open(DatabaseUrl url) {
        return open(url, Settings.DEFAULT);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The pool's state now; all zero (but {@code max}) before the pool has started. */
    public PoolUsage poolUsage() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null
                ? new PoolUsage(0, 0, 0, pool.getMaximumPoolSize())
                : new PoolUsage(bean.getActiveConnections(), bean.getIdleConnections(),
                        bean.getThreadsAwaitingConnection(), pool.getMaximumPoolSize());
    }

    public DatabaseUrl url() {
        return url;
    }

    @Override
    public void close() {
        pool.close();
    }
}
