package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What the production migrations create, and the databases they upgrade. */
class MigrationsTest {

    private static final List<String> RTSYNC_TABLES = List.of("flyway_schema_history", "logging", "rtsync_instance", "rtsync_reader", "rxdb_subscription");

    @Test
    void production_migrations_create_only_rtsyncs_own_objects() {
        try (TestDatabase empty = TestDatabase.createUnmigrated();
             PostgresDatabase database = PostgresDatabase.open(empty.url())) {
            Migrations.migrate(database.dataSource());

            database.jdbi().useHandle(handle -> {
                assertThat(tablesOfSchemaApp(handle)).containsExactlyElementsOf(RTSYNC_TABLES);
                assertThat(handle.createQuery("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' AND NOT t.tgisinternal"
                                + " AND c.relname <> 'logging'")
                        .mapTo(Integer.class).one()).as("triggers on tables other than the log").isZero();
            });
            assertThat(Migrations.pending(database.dataSource())).isZero();
        }
    }

    @Test
    void with_samples_the_sample_entity_tables_are_added() {
        try (TestDatabase empty = TestDatabase.createUnmigrated();
             PostgresDatabase database = PostgresDatabase.open(empty.url())) {
            Migrations.migrateWithSamples(database.dataSource());

            assertThat(database.jdbi().withHandle(MigrationsTest::tablesOfSchemaApp))
                    .containsAll(RTSYNC_TABLES).contains("employee", "project", "task");
        }
    }

    @Test
    void a_database_migrated_while_the_samples_were_production_migrations_migrates_without_them() {
        try (TestDatabase migratedBefore = TestDatabase.createUnmigrated();
             PostgresDatabase database = PostgresDatabase.open(migratedBefore.url())) {
            // The samples' V2 was applied like any production migration, as every database migrated before the move.
            Migrations.migrateWithSamples(database.dataSource());
            database.jdbi().useHandle(handle -> handle.execute("INSERT INTO app.project (name) VALUES ('a team row by now')"));

            Migrations.migrate(database.dataSource());

            int projects = database.jdbi().withHandle(handle -> handle.createQuery("SELECT count(*) FROM app.project")
                    .mapTo(Integer.class).one());
            assertThat(projects).as("the sample table and its rows are left alone").isEqualTo(1);
            assertThat(Migrations.pending(database.dataSource())).isZero();
        }
    }

    @Test
    void a_database_that_applied_a_migration_this_build_does_not_ship_is_refused_by_name() {
        try (TestDatabase ahead = TestDatabase.createUnmigrated();
             PostgresDatabase database = PostgresDatabase.open(ahead.url())) {
            Migrations.migrate(database.dataSource());
            database.jdbi().useHandle(handle -> handle.execute("""
                    INSERT INTO app.flyway_schema_history
                        (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
                    VALUES ((SELECT max(installed_rank) + 1 FROM app.flyway_schema_history), '0.5', 'from another branch',
                            'SQL', 'V0.5__from_another_branch.sql', 1, current_user, 1, true)"""));

            assertThatThrownBy(() -> Migrations.migrate(database.dataSource()))
                    .isInstanceOf(FlywayException.class)
                    .hasMessageContaining("[0.5]");
        }
    }

    @Test
    void a_database_the_original_service_set_up_upgrades_keeps_its_rows_and_delivers_its_changes() throws IOException, SQLException {
        try (TestDatabase original = TestDatabase.createUnmigrated();
             PostgresDatabase database = PostgresDatabase.open(original.url())) {
            String originalSchema = resource("original-service-schema.sql");
            try (var connection = original.connect(); var statement = connection.createStatement()) {
                statement.execute(originalSchema); // as psql runs the file: one string, many statements
            }

            Migrations.migrate(database.dataSource());

            database.jdbi().useHandle(handle -> {
                assertThat(tablesOfSchemaApp(handle)).as("no sample tables beside the team's own")
                        .containsExactlyInAnyOrder("flyway_schema_history", "logging", "project", "rtsync_instance", "rtsync_reader", "rxdb_subscription");
                Map<String, Object> log = handle.createQuery("""
                                SELECT count(*) AS rows, count(seq) AS with_seq, count(DISTINCT seq) AS distinct_seq,
                                       count(*) FILTER (WHERE action = 0 AND username = 'alice' AND ip = '10.0.0.7') AS views,
                                       count(*) FILTER (WHERE sync_status = 'sent') AS sent
                                FROM app.logging""").mapToMap().one();
                assertThat(log).containsEntry("rows", 4L).containsEntry("with_seq", 4L).containsEntry("distinct_seq", 4L)
                        .containsEntry("views", 1L).containsEntry("sent", 3L);
                assertThat(handle.createQuery("SELECT to_regclass('app.idx_logging_sync_pending') IS NULL").mapTo(Boolean.class).one())
                        .as("the design's polling index is dropped").isTrue();
                assertThat(handle.createQuery("""
                                SELECT array_agg(a.attname::text ORDER BY k.ord) FROM pg_constraint c
                                CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                                WHERE c.conrelid = 'app.rxdb_subscription'::regclass AND c.contype = 'p'""")
                        .mapTo(String[].class).one()).containsExactly("connection_id", "entity_code", "entity_id");
                assertThat(handle.createQuery("SELECT count(*) FROM app.rxdb_subscription").mapTo(Integer.class).one())
                        .as("the old service's connections are gone with it").isZero();
            });

            UUID roof = UUID.fromString("aaaaaaaa-0000-0000-0000-000000000001");
            PostgresSubscriptionStore store = new PostgresSubscriptionStore(database, "upgraded");
            try (PostgresChangeLog log = new PostgresChangeLog(database, "upgraded")) {
                store.add(new ConnectionId("tab-1"), new UserId(UUID.randomUUID()), EntityCode.of("project"), List.of(new EntityId(roof)));
                database.jdbi().useHandle(handle -> handle.execute("UPDATE app.project SET budget = 1400 WHERE id = ?", roof));

                long changed = database.jdbi().withHandle(handle -> handle.createQuery("SELECT max(seq) FROM app.logging")
                        .mapTo(Long.class).one());

                // The reader may hand on the original's rows again too (their txid is the migration's,
                // which a transaction still running elsewhere on the server can hold inside the horizon):
                // at least once is the promise, so only the new change is asserted.
                LoggedChange read = await().atMost(Duration.ofSeconds(10)).until(
                        () -> readUntil(log, changed), change -> change != null);

                assertThat(read.entityId().value()).isEqualTo(roof);
                assertThat(read.action()).isEqualTo(ChangeAction.EDIT);
                assertThat(read.subscribers()).containsExactly(new ConnectionId("tab-1"));
            }
        }
    }

    /** Reads and acknowledges batches until the row of sequence {@code wanted} comes; null when not yet readable. */
    private static LoggedChange readUntil(PostgresChangeLog log, long wanted) {
        List<LoggedChange> batch;
        while (!(batch = log.readPending(100)).isEmpty()) {
            log.acknowledge(batch, List.of());
            for (LoggedChange change : batch) {
                if (change.sequence() == wanted) {
                    return change;
                }
            }
        }
        return null;
    }

    private static List<String> tablesOfSchemaApp(Handle handle) {
        return handle.createQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'app' ORDER BY tablename")
                .mapTo(String.class).list();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = MigrationsTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
