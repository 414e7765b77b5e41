package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.bootstrap.ConfigurationException;
import dev.rtsync.bootstrap.Rtsync;
import dev.rtsync.bootstrap.RtsyncConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service as docs/adopting.md runs it: the owner migrated, the service connects as the runtime
 * role with RTSYNC_MIGRATE_ON_START=false (every end-to-end test does), and a missing grant stops
 * the start with a message naming it.
 */
class LeastPrivilegeTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);

    @Test
    void the_service_connects_as_the_runtime_role_which_holds_nothing_on_the_entity_tables() throws SQLException {
        UUID alice = UUID.randomUUID();
        UUID project = api.createProject(alice, "p");
        try (Rtsync service = Instances.start(DB.testDatabase(), "e2e-least-privilege");
             Browser tab = Browser.open(service.port(), Instances.token(alice))) {
            tab.subscribe("project", List.of(project));
            api.renameProject(alice, project, "renamed");

            assertThat(tab.next("INVALIDATE").payload().path("changes").get(0).path("entityId").asText()).isEqualTo(project.toString());
            assertThat(query("SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND application_name = 'rtsync-listener'"))
                    .isEqualTo(TestDatabase.RUNTIME_ROLE);
            assertThat(query("SELECT rolsuper::text FROM pg_roles WHERE rolname = '" + TestDatabase.RUNTIME_ROLE + "'")).isEqualTo("false");
            assertThat(query("SELECT count(*)::text FROM information_schema.role_table_grants"
                    + " WHERE grantee = '" + TestDatabase.RUNTIME_ROLE + "' AND table_name IN ('project', 'task', 'employee')"))
                    .isEqualTo("0");
        }
    }

    @Test
    void a_missing_privilege_stops_the_start_naming_it_and_the_grant_to_run() throws SQLException {
        execute("REVOKE DELETE ON app.rxdb_subscription FROM " + TestDatabase.RUNTIME_ROLE);
        try {
            assertThatThrownBy(() -> Instances.start(DB.testDatabase(), "e2e-missing-grant"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the database role " + TestDatabase.RUNTIME_ROLE + " lacks SELECT, INSERT, DELETE on app.rxdb_subscription")
                    .hasMessageContaining("SELECT app.rtsync_grant_runtime('" + TestDatabase.RUNTIME_ROLE + "')");
        } finally {
            execute("SELECT app.rtsync_grant_runtime('" + TestDatabase.RUNTIME_ROLE + "', true)");
        }
    }

    @Test
    void retention_without_delete_on_the_log_stops_the_start() throws SQLException {
        execute("SELECT app.rtsync_grant_runtime('" + TestDatabase.RUNTIME_ROLE + "', false)");
        Map<String, String> environment = new HashMap<>(Instances.environment(DB.testDatabase(), "e2e-retention-grant"));
        environment.put("RTSYNC_LOG_RETENTION", "30d");
        try {
            assertThatThrownBy(() -> Rtsync.start(RtsyncConfig.fromEnvironment(environment), Clock.systemUTC()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("lacks DELETE on app.logging")
                    .hasMessageContaining("rtsync_grant_runtime('" + TestDatabase.RUNTIME_ROLE + "', true)");
        } finally {
            execute("SELECT app.rtsync_grant_runtime('" + TestDatabase.RUNTIME_ROLE + "', true)");
        }
    }

    @Test
    void a_database_nobody_migrated_is_named_as_such() {
        try (TestDatabase unmigrated = TestDatabase.createUnmigrated()) {
            Map<String, String> environment = new HashMap<>(Instances.environment(DB.testDatabase(), "e2e-unmigrated"));
            environment.put("DATABASE_URL", unmigrated.uri());

            assertThatThrownBy(() -> Rtsync.start(RtsyncConfig.fromEnvironment(environment), Clock.systemUTC()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("the database is not migrated (app.logging, ")
                    .hasMessageContaining("java -jar rtsync.jar migrate");
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DB.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(String sql) throws SQLException {
        try (Connection connection = DB.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }
}
