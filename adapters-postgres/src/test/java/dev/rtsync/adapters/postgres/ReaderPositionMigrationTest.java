package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.application.port.out.LoggedChange;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V3 turns the position an instance left under V1 (the last row handed on, in (txid, seq) order)
 * into a snapshot: an upgraded instance neither skips a row it had not handed on nor starts over.
 */
class ReaderPositionMigrationTest {

    @Test
    void an_instance_upgraded_from_the_horizon_reader_resumes_where_it_was() {
        try (TestDatabase test = TestDatabase.create(); PostgresDatabase database = PostgresDatabase.open(test.url())) {
            database.jdbi().useHandle(handle -> handle.execute("DROP SCHEMA app CASCADE"));
            Flyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration")
                    .schemas("app").target("1").load().migrate(); // V1 holds the horizon reader
            List<Long> handedOn = database.jdbi().inTransaction(handle -> logRows(handle, 3));
            List<Long> lastTransaction = database.jdbi().inTransaction(handle -> logRows(handle, 3));
            List<Long> notYetRead = database.jdbi().inTransaction(handle -> logRows(handle, 2));
            database.jdbi().useHandle(handle -> handle.execute("""
                    INSERT INTO app.rtsync_reader (instance_id, position_txid, position_seq)
                    SELECT 'upgraded', txid, seq FROM app.logging WHERE seq = ?""", lastTransaction.get(1)));

            Migrations.migrate(database.dataSource());
            try (PostgresChangeLog log = new PostgresChangeLog(database, "upgraded")) {
                List<LoggedChange> read = log.readPending(100);

                assertThat(read).extracting(LoggedChange::sequence)
                        .as("the last transaction again (at least once), then what was not read; not what was handed on")
                        .containsExactly(lastTransaction.get(0), lastTransaction.get(1), lastTransaction.get(2),
                                notYetRead.get(0), notYetRead.get(1))
                        .doesNotContainAnyElementsOf(handedOn);
            }
        }
    }

    private static List<Long> logRows(Handle handle, int count) {
        return handle.createQuery("""
                        INSERT INTO app.logging (entity_code, entity_id, action)
                        SELECT 'project', gen_random_uuid(), 1 FROM generate_series(1, :count) RETURNING seq""")
                .bind("count", count).mapTo(Long.class).list().stream().sorted().toList();
    }
}
