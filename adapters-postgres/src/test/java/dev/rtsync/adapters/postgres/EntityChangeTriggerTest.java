package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code app.log_entity_change()} on the three entity tables, as the design specifies it. */
class EntityChangeTriggerTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();

    /** One row of app.logging, as far as the trigger fills it. */
    record LogRow(String entityCode, UUID entityId, int action, UUID personId, String fromName, String toName,
                  String syncStatus, long txid) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"project", "task", "employee"})
    void insert_update_and_delete_are_logged_with_action_actor_and_snapshots(String table) {
        UUID actor = UUID.randomUUID();
        UUID id = jdbi().inTransaction(handle -> {
            actAs(handle, actor);
            return handle.createQuery("INSERT INTO app." + table + " (name) VALUES ('first') RETURNING id")
                    .mapTo(UUID.class).one();
        });
        jdbi().useTransaction(handle -> {
            actAs(handle, actor);
            handle.execute("UPDATE app." + table + " SET name = 'second' WHERE id = ?", id);
        });
        jdbi().useTransaction(handle -> {
            actAs(handle, actor);
            handle.execute("DELETE FROM app." + table + " WHERE id = ?", id);
        });

        List<LogRow> rows = logRows();

        assertThat(rows).extracting(LogRow::entityCode).containsOnly(table);
        assertThat(rows).extracting(LogRow::entityId).containsOnly(id);
        assertThat(rows).extracting(LogRow::personId).containsOnly(actor);
        assertThat(rows).extracting(LogRow::syncStatus).containsOnly("pending");
        assertThat(rows).extracting(LogRow::action).containsExactly(4, 1, 3); // CREATE, EDIT, DELETE
        assertThat(rows).extracting(LogRow::fromName).containsExactly(null, "first", "second");
        assertThat(rows).extracting(LogRow::toName).containsExactly("first", "second", null);
    }

    @Test
    void without_an_actor_setting_the_person_is_null() {
        jdbi().useHandle(handle -> handle.execute("INSERT INTO app.project (name) VALUES ('anonymous')"));

        assertThat(logRows()).singleElement().satisfies(row -> assertThat(row.personId()).isNull());
    }

    @Test
    void rows_of_one_transaction_share_its_transaction_id_and_take_increasing_sequences() {
        jdbi().useTransaction(handle -> {
            handle.execute("INSERT INTO app.project (name) VALUES ('a')");
            handle.execute("INSERT INTO app.task (name) VALUES ('b')");
        });
        jdbi().useHandle(handle -> handle.execute("INSERT INTO app.employee (name) VALUES ('c')"));

        List<Map<String, Object>> rows = jdbi().withHandle(handle -> handle
                .createQuery("SELECT seq, txid::text::bigint AS txid FROM app.logging ORDER BY seq").mapToMap().list());
        assertThat(rows.get(0).get("txid")).isEqualTo(rows.get(1).get("txid"));
        assertThat((Long) rows.get(2).get("txid")).isGreaterThan((Long) rows.get(1).get("txid"));
        assertThat((Long) rows.get(1).get("seq")).isGreaterThan((Long) rows.get(0).get("seq"));
    }

    @Test
    void an_update_keeps_updated_ts_current() {
        jdbi().useHandle(handle -> {
            handle.execute("INSERT INTO app.project (name, updated_ts) VALUES ('old', now() - interval '1 day')");
            handle.execute("UPDATE app.project SET name = 'new'");
        });

        boolean touched = jdbi().withHandle(handle -> handle
                .createQuery("SELECT updated_ts > now() - interval '1 minute' FROM app.project").mapTo(Boolean.class).one());
        assertThat(touched).isTrue();
    }

    @Test
    void a_row_the_rest_api_inserts_with_three_columns_gets_every_added_column_by_default() {
        jdbi().useHandle(handle -> handle.execute(
                "INSERT INTO app.logging (entity_code, entity_id, action) VALUES ('project', gen_random_uuid(), 0)"));

        Map<String, Object> row = jdbi().withHandle(handle -> handle.createQuery(
                "SELECT id, seq, txid::text AS txid, created_ts, sync_status FROM app.logging").mapToMap().one());
        assertThat(row).doesNotContainValue(null);
        assertThat(row.get("sync_status")).isEqualTo("pending");
    }

    private static Jdbi jdbi() {
        return DB.database().jdbi();
    }

    private static void actAs(Handle handle, UUID actor) {
        handle.createQuery("SELECT set_config('app.current_user_id', :actor, true)")
                .bind("actor", actor.toString()).mapTo(String.class).one();
    }

    private static List<LogRow> logRows() {
        return jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT entity_code, entity_id, action, person_id,
                               entity_from_version ->> 'name' AS from_name, entity_to_version ->> 'name' AS to_name,
                               sync_status, txid::text::bigint AS txid
                        FROM app.logging ORDER BY seq""")
                .map((rs, ctx) -> new LogRow(rs.getString("entity_code"), rs.getObject("entity_id", UUID.class),
                        rs.getInt("action"), rs.getObject("person_id", UUID.class), rs.getString("from_name"),
                        rs.getString("to_name"), rs.getString("sync_status"), rs.getLong("txid")))
                .list());
    }
}
