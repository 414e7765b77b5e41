package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The database stays up but rtsync's connections to it are killed (issue 7): nothing is lost. */
class ConnectionLossTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);

    @RegisterExtension
    final RunningInstance rtsync = new RunningInstance(DB, "connection-loss");
    private final UUID alice = UUID.randomUUID();

    @Test
    void a_killed_notification_connection_is_replaced_and_changes_keep_coming() throws SQLException {
        UUID project = api.createProject(alice, "p");
        try (Browser tab = rtsync.openTab(alice)) {
            tab.subscribe("project", List.of(project));

            assertThat(terminate("query LIKE 'LISTEN%'")).as("listener connections killed").isEqualTo(1);
            api.renameProject(alice, project, "after the listener died");

            assertThat(tab.next("INVALIDATE").payload().path("changes").get(0).path("version").asLong())
                    .isEqualTo(api.latestVersion(project));
            await().atMost(Duration.ofSeconds(10)).until(() -> count("query LIKE 'LISTEN%'") == 1);
        }
    }

    @Test
    void killed_pool_connections_are_replaced_and_nothing_is_lost() throws SQLException {
        UUID project = api.createProject(alice, "p");
        try (Browser tab = rtsync.openTab(alice)) {
            tab.subscribe("project", List.of(project));

            assertThat(terminate("true")).as("all of rtsync's connections killed").isPositive();
            api.renameProject(alice, project, "after the pool died");

            assertThat(tab.next("INVALIDATE").payload().path("changes").get(0).path("version").asLong())
                    .isEqualTo(api.latestVersion(project));
            UUID another = UUID.randomUUID();
            assertThat(tab.subscribe("project", List.of(another))).isEqualTo(1);
            api.createProject(alice, another, "new");
            assertThat(tab.next("INVALIDATE").payload().path("changes").get(0).path("action").asText()).isEqualTo("CREATE");
        }
    }

    /** Terminates the other backends of the test database that match the condition; returns how many. */
    private static int terminate(String condition) throws SQLException {
        return queryInt("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND " + condition);
    }

    private static int count(String condition) throws SQLException {
        return queryInt("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND " + condition);
    }

    private static int queryInt(String sql) throws SQLException {
        try (Connection connection = DB.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getInt(1);
        }
    }
}
