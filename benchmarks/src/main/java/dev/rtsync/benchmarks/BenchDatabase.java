package dev.rtsync.benchmarks;

import dev.rtsync.adapters.postgres.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The database the running rtsync reads, named by {@code DATABASE_URL} and parsed exactly as the
 * service parses it (the PostgreSQL adapter's {@link DatabaseUrl}); the load tool adds only its
 * own rule, that the host be loopback, and its own errors, which say how to run it.
 */
record BenchDatabase(DatabaseUrl url) {

    static BenchDatabase parse(String text) {
        if (text == null || text.isBlank()) {
            throw new UsageException("DATABASE_URL is not set: give it as postgresql://user:pass@127.0.0.1:5432/db"
                    + " (the database the running rtsync reads)");
        }
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("DATABASE_URL: " + e.getMessage());
        }
        Loopback.require("The database in DATABASE_URL", url.host());
        return new BenchDatabase(url);
    }

    /** The same server and user, another database (for a transaction held open elsewhere). */
    BenchDatabase withDatabase(String database) {
        if (!database.matches("[A-Za-z0-9_]+")) {
            throw new UsageException("a database name of letters, digits and underscores, not " + database);
        }
        return new BenchDatabase(url.withDatabase(database));
    }

    /** A plain connection outside any pool, named so that {@link PostgresCpu} can tell the tool's own sessions apart. */
    Connection connect(Properties extra) throws SQLException {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("user", url.user());
        props.setProperty("password", url.password().orElse(""));
        props.setProperty("ApplicationName", PostgresCpu.TOOL_APPLICATION);
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }

    Connection connect() throws SQLException {
        return connect(new Properties());
    }

    @Override
    public String toString() {
        return url.toString(); // the password masked
    }
}
