package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The runtime role as {@code app.rtsync_grant_runtime} (R__runtime_grants.sql) makes it, and the start-up check of it. */
class RuntimeRoleTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final String ROLE = TestDatabase.RUNTIME_ROLE;
    private PostgresDatabase asRuntime;

    @BeforeEach
    void connectAsTheRuntimeRole() {
        owner().useHandle(handle -> handle.execute("SELECT app.rtsync_grant_runtime(?, false)", ROLE));
        asRuntime = PostgresDatabase.open(DB.testDatabase().runtimeUrl());
    }

    @AfterEach
    void close() {
        asRuntime.close();
    }

    @Test
    void the_grants_are_all_the_service_needs_to_subscribe_read_and_acknowledge() {
        RuntimePrivileges.Report report = new RuntimePrivileges(asRuntime).check(false);
        assertThat(report.role()).isEqualTo(ROLE);
        assertThat(report.superuser()).isFalse();
        assertThat(report.missingRelations()).isEmpty();
        assertThat(report.missing()).isEmpty();

        UUID project = owner().withHandle(handle -> handle.createQuery("INSERT INTO app.project (name) VALUES ('p') RETURNING id")
                .mapTo(UUID.class).one());
        PostgresSubscriptionStore store = new PostgresSubscriptionStore(asRuntime, "runtime");
        try (PostgresChangeLog log = new PostgresChangeLog(asRuntime, "runtime")) {
            store.add(new ConnectionId("c"), new UserId(UUID.randomUUID()), EntityCode.of("project"), List.of(new EntityId(project)));
            owner().useHandle(handle -> handle.execute("UPDATE app.project SET name = 'q' WHERE id = ?", project));

            var read = await().atMost(Duration.ofSeconds(10)).until(() -> log.readPending(10), rows -> !rows.isEmpty());
            log.acknowledge(read, List.of());

            assertThat(read).last().satisfies(change -> assertThat(change.subscribers()).containsExactly(new ConnectionId("c")));
            assertThat(new TrackedTables(asRuntime).list()).isNotEmpty();
            assertThat(store.removeAllOfThisInstance()).isEqualTo(1);
        }
    }

    @Test
    void the_runtime_role_reads_nothing_of_the_audit_trail_and_nothing_of_the_entity_tables() {
        Jdbi runtime = asRuntime.jdbi();

        assertThatThrownBy(() -> runtime.useHandle(handle -> handle.createQuery("SELECT ip FROM app.logging").mapToMap().list()))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> runtime.useHandle(handle -> handle.createQuery("SELECT id FROM app.project").mapToMap().list()))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> runtime.useHandle(handle -> handle.execute("DELETE FROM app.logging")))
                .as("no DELETE without retention").hasMessageContaining("permission denied");
        assertThatThrownBy(() -> runtime.useHandle(handle -> handle.execute("SELECT app.rtsync_track('app.project', 'project')")))
                .hasMessageContaining("permission denied");
    }

    @Test
    void a_missing_privilege_is_named() {
        owner().useHandle(handle -> handle.execute("REVOKE UPDATE (sync_processed_ts) ON app.logging FROM " + ROLE));
        owner().useHandle(handle -> handle.execute("REVOKE INSERT ON app.rtsync_reader FROM " + ROLE));

        assertThat(new RuntimePrivileges(asRuntime).check(false).missing()).containsExactly(
                "UPDATE (sync_status, sync_processed_ts) on app.logging",
                "SELECT, INSERT, UPDATE, DELETE on app.rtsync_reader");
    }

    @Test
    void retention_needs_delete_on_the_log_which_the_grant_gives_on_request() {
        assertThat(new RuntimePrivileges(asRuntime).check(true).missing()).containsExactly("DELETE on app.logging");

        owner().useHandle(handle -> handle.execute("SELECT app.rtsync_grant_runtime(?, true)", ROLE));

        assertThat(new RuntimePrivileges(asRuntime).check(true).missing()).isEmpty();
    }

    @Test
    void without_usage_on_the_schema_the_check_still_answers() {
        owner().useHandle(handle -> handle.execute("REVOKE USAGE ON SCHEMA app FROM " + ROLE));

        assertThat(new RuntimePrivileges(asRuntime).check(false).missing()).contains("USAGE on schema app");
    }

    @Test
    void granting_to_a_role_that_does_not_exist_says_to_create_it() {
        assertThatThrownBy(() -> owner().useHandle(handle -> handle.execute("SELECT app.rtsync_grant_runtime('nobody_here_at_all')")))
                .hasMessageContaining("role nobody_here_at_all does not exist; create it first");
    }

    private static Jdbi owner() {
        return DB.database().jdbi();
    }
}
