package dev.rtsync.bootstrap;

import dev.rtsync.adapters.postgres.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL a newcomer gets without {@code DATABASE_URL}: a real server started from the
 * binaries in the jar, whose data folder survives restarts (docs/adr/0005).
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final DatabaseUrl url;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.url = new DatabaseUrl("localhost", postgres.getPort(), "postgres", "postgres", Optional.empty(), Map.of());
    }

    /**
     * Starts the server on its data folder, creating the folder on first use, on the port (0: a free one).
     *
     * @throws ConfigurationException when it cannot start, saying why and how to use a server instead
     */
    static EmbeddedDatabase start(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false) // the data is the user's: keep it across restarts
                    .setRegisterShutdownHook(false) // Rtsync.stop closes it after the last query
                    .setPort(port)
                    .start();
            EmbeddedDatabase database = new EmbeddedDatabase(postgres);
            LOG.info("Embedded PostgreSQL running on port {} with its data in {}", postgres.getPort(), dataDirectory);
            return database;
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("The embedded PostgreSQL could not start in " + dataDirectory + " ("
                    + rootCause(e) + "); set DATABASE_URL to a PostgreSQL 14+ server instead, for example "
                    + "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres");
        }
    }

    DatabaseUrl url() {
        return url;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().lines().findFirst().orElse("");
    }
}
