package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.domain.ConnectionId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresHealthProbeAndMigrationsTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = new PostgresTestDatabase();

    @Test
    void a_migrated_database_is_healthy_and_migrating_again_changes_nothing() {
        try (PostgresDatabase database = PostgresDatabase.open(DB.url())) {
            assertThat(Migrations.migrate(database.dataSource())).isZero();
            assertThat(new PostgresHealthProbe(database, Duration.ofSeconds(2)).problem()).isEmpty();
        }
    }

    @Test
    void a_database_without_the_schema_is_reported_as_not_migrated() {
        try (TestDatabase empty = TestDatabase.create();
             PostgresDatabase database = PostgresDatabase.open(empty.url())) {
            database.jdbi().useHandle(handle -> handle.execute("DROP SCHEMA app CASCADE"));

            assertThat(new PostgresHealthProbe(database, Duration.ofSeconds(2)).problem())
                    .hasValueSatisfying(problem -> assertThat(problem).contains("run the migrations"));
        }
    }

    @Test
    void a_database_missing_a_migration_is_reported_until_it_is_applied() {
        try (TestDatabase behind = TestDatabase.createUnmigrated();
             PostgresDatabase database = PostgresDatabase.open(behind.url())) {
            Migrations.migrate(database.dataSource());
            database.jdbi().useHandle(handle -> handle.execute(
                    "DELETE FROM app.flyway_schema_history WHERE version = (SELECT max(version) FROM app.flyway_schema_history)"));
            PostgresHealthProbe probe = new PostgresHealthProbe(database, Duration.ofSeconds(2));

            assertThat(Migrations.pending(database.dataSource())).isEqualTo(1);
            assertThat(probe.problem()).hasValue("database reachable but 1 migration is pending: run the migrations");
            database.jdbi().useHandle(handle -> handle.execute("DROP SCHEMA app CASCADE"));
            Migrations.migrate(database.dataSource());

            assertThat(probe.problem()).isEmpty();
        }
    }

    @Test
    void the_pool_reports_its_usage() {
        try (PostgresDatabase database = PostgresDatabase.open(DB.url(), new PostgresDatabase.Settings(4, Duration.ofSeconds(3)))) {
            database.jdbi().useHandle(handle -> {
                PostgresDatabase.PoolUsage whileHeld = database.poolUsage();
                assertThat(whileHeld.active()).isEqualTo(1);
                assertThat(whileHeld.max()).isEqualTo(4);
            });
            assertThat(database.poolUsage().active()).isZero();
        }
    }

    @Test
    void an_unreachable_database_is_reported_and_the_ports_say_storage_unavailable() throws IOException {
        DatabaseUrl nowhere = new DatabaseUrl("127.0.0.1", freePort(), "postgres", "postgres", Optional.empty(), Map.of());
        try (PostgresDatabase database = PostgresDatabase.open(nowhere,
                new PostgresDatabase.Settings(1, Duration.ofMillis(500)))) {

            assertThat(new PostgresHealthProbe(database, Duration.ofSeconds(1)).problem())
                    .hasValueSatisfying(problem -> assertThat(problem).startsWith("database unreachable"));
            assertThatThrownBy(() -> new PostgresSubscriptionStore(database, "a").removeConnection(new ConnectionId("c")))
                    .isInstanceOf(StorageUnavailableException.class);
            assertThatThrownBy(() -> new PostgresDatabaseClock(database).now()).isInstanceOf(StorageUnavailableException.class);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // closed again, so nothing listens there
        }
    }
}
