package dev.rtsync.adapters.postgres;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;

/** {@code app.rtsync_grant_runtime} (R__runtime_grants.sql) from Java: the owner's {@code java -jar rtsync.jar grant <role>}. */
public final class RuntimeGrants {

    /** The grant was refused: no such role, or the caller does not own the schema's tables. */
    public static final class GrantException extends RuntimeException {
        GrantException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Jdbi jdbi;

    public RuntimeGrants(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    /** Grants the role what the service needs, DELETE on the log too when {@code withRetention}; idempotent. */
    public void grant(String role, boolean withRetention) {
        try {
            jdbi.useHandle(handle -> handle.createQuery("SELECT app.rtsync_grant_runtime(:role, :retention)::text")
                    .bind("role", role).bind("retention", withRetention).mapTo(String.class).findOne());
        } catch (JdbiException e) {
            RuntimeException translated = Failures.translate("grant " + role, e);
            if (translated != e) {
                throw translated;
            }
            throw new GrantException("grant " + role + " failed: " + serverMessage(e), e);
        }
    }

    private static String serverMessage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage().getMessage();
            }
        }
        return e.getMessage();
    }
}
