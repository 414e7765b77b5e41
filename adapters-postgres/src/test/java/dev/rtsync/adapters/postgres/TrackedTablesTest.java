package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.TrackedTables.TrackedTable;
import dev.rtsync.adapters.postgres.TrackedTables.TrackingException;
import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.domain.EntityCode;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code app.rtsync_track}, {@code app.rtsync_untrack} and {@code app.rtsync_tracked} (V4). */
class TrackedTablesTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private TrackedTables tables;

    @BeforeEach
    void freshInvoiceTable() {
        jdbi().useHandle(handle -> handle.execute("""
                DROP TABLE IF EXISTS app.invoice, app.counter;
                CREATE TABLE app.invoice (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), total numeric);
                CREATE TABLE app.counter (id bigint PRIMARY KEY, n int)"""));
        tables = new TrackedTables(DB.database());
    }

    @Test
    void a_tracked_table_logs_its_changes_under_its_entity_code() {
        String trigger = tables.track("app.invoice", EntityCode.of("invoice"));
        jdbi().useHandle(handle -> handle.execute("INSERT INTO app.invoice (total) VALUES (12.50)"));

        assertThat(trigger).isEqualTo("log_invoice_changes");
        assertThat(logged("invoice")).isEqualTo(1);
        assertThat(tables.list()).contains(new TrackedTable("app.invoice", "invoice", "log_invoice_changes", true));
    }

    @Test
    void tracking_again_as_asked_changes_nothing() {
        tables.track("app.invoice", EntityCode.of("invoice"));
        long triggerOid = triggerOid();

        assertThat(tables.track("app.invoice", EntityCode.of("invoice"))).isEqualTo("log_invoice_changes");

        assertThat(triggerOid()).as("the same trigger, not dropped and made again").isEqualTo(triggerOid);
        jdbi().useHandle(handle -> handle.execute("INSERT INTO app.invoice (total) VALUES (1)"));
        assertThat(logged("invoice")).as("one trigger, one row per change").isEqualTo(1);
    }

    @Test
    void tracking_under_another_code_replaces_the_trigger() {
        tables.track("app.invoice", EntityCode.of("invoice"));
        tables.track("app.invoice", EntityCode.of("bill"));
        jdbi().useHandle(handle -> handle.execute("INSERT INTO app.invoice (total) VALUES (1)"));

        assertThat(logged("invoice")).isZero();
        assertThat(logged("bill")).isEqualTo(1);
        assertThat(tables.list()).filteredOn(t -> t.table().equals("app.invoice")).extracting(TrackedTable::entityCode).containsExactly("bill");
    }

    @Test
    void untracking_removes_the_trigger_and_is_idempotent() {
        tables.track("app.invoice", EntityCode.of("invoice"));

        assertThat(tables.untrack("app.invoice")).isEqualTo(1);
        assertThat(tables.untrack("app.invoice")).isZero();
        jdbi().useHandle(handle -> handle.execute("INSERT INTO app.invoice (total) VALUES (1)"));
        assertThat(logged("invoice")).isZero();
        assertThat(tables.list()).extracting(TrackedTable::table).doesNotContain("app.invoice");
    }

    @Test
    void the_list_includes_triggers_written_by_hand_as_the_design_shows() {
        // The sample tables carry the design's CREATE TRIGGER log_project_changes ..., not rtsync_track's.
        assertThat(tables.list()).contains(new TrackedTable("app.project", "project", "log_project_changes", true));
    }

    @Test
    void a_table_without_an_id_uuid_column_is_refused_by_name() {
        assertThatThrownBy(() -> tables.track("app.counter", EntityCode.of("counter")))
                .isInstanceOf(TrackingException.class)
                .hasMessageContaining("app.counter has no column id of type uuid");
        assertThat(tables.list()).extracting(TrackedTable::table).doesNotContain("app.counter");
    }

    @Test
    void a_missing_table_and_rtsyncs_own_tables_are_refused() {
        assertThatThrownBy(() -> tables.track("app.nothing_here", EntityCode.of("nothing")))
                .isInstanceOf(TrackingException.class)
                .hasMessageContaining("\"app.nothing_here\" does not exist");
        assertThatThrownBy(() -> tables.track("app.logging", EntityCode.of("logging")))
                .isInstanceOf(TrackingException.class)
                .hasMessageContaining("one of rtsync's own tables");
    }

    @Test
    void the_function_checks_the_entity_code_itself_for_callers_in_sql() {
        assertThatThrownBy(() -> jdbi().useHandle(handle -> handle.execute("SELECT app.rtsync_track('app.invoice', 'Not A Code')")))
                .hasMessageContaining("entity code 'Not A Code' must be 1 to 100 characters");
    }

    private static long triggerOid() {
        return jdbi().withHandle(handle -> handle.createQuery(
                "SELECT oid FROM pg_trigger WHERE tgrelid = 'app.invoice'::regclass AND tgname = 'log_invoice_changes'")
                .mapTo(Long.class).one());
    }

    private static int logged(String code) {
        return jdbi().withHandle(handle -> handle.createQuery("SELECT count(*) FROM app.logging WHERE entity_code = ?")
                .bind(0, code).mapTo(Integer.class).one());
    }

    private static Jdbi jdbi() {
        return DB.database().jdbi();
    }

}
