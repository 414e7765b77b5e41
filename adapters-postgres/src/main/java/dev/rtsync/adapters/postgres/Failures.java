package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.StorageUnavailableException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Runs a database call and turns "the database cannot be reached" into the port's
 * {@link StorageUnavailableException}; anything else (a bug in a query, a broken constraint)
 * stays what it is.
 */
final class Failures {

    // Operator intervention: the server is shutting down, restarting, or refusing connections.
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private Failures() {
    }

    static <T> T withHandle(Jdbi jdbi, String what, HandleCallback<T, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            throw translate(what, e);
        }
    }

    static RuntimeException translate(String what, RuntimeException e) {
        if (e instanceof ConnectionException || isConnectionFailure(e)) {
            return new StorageUnavailableException("PostgreSQL unavailable while trying to " + what, e);
        }
        return e;
    }

    static boolean isConnectionFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
