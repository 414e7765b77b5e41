package dev.rtsync.bootstrap;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar rtsync.jar migrate|track|untrack|list}, through {@link Main} as the jar runs them. */
class DatabaseCommandsTest {

    private static TestDatabase db;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void anEmptyDatabaseWithATeamsTables() throws SQLException {
        db = TestDatabase.createUnmigrated();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE SCHEMA app;
                    CREATE TABLE app.invoice (id uuid PRIMARY KEY, total numeric);
                    CREATE TABLE app.counter (id bigint PRIMARY KEY)""");
        }
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, Map.of("DATABASE_URL", db.uri()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void the_owner_migrates_tracks_lists_and_untracks() {
        assertThat(run("migrate")).isZero();
        assertThat(out()).contains("migrations applied");
        assertThat(run("migrate")).isZero();
        assertThat(out()).contains(": 0 migrations applied");

        assertThat(run("track", "app.invoice", "invoice")).isZero();
        assertThat(out()).isEqualTo("tracking app.invoice as invoice (trigger log_invoice_changes)\n");
        assertThat(run("track", "app.invoice", "invoice")).as("idempotent").isZero();

        assertThat(run("list")).isZero();
        assertThat(out()).isEqualTo("app.invoice\tinvoice\tlog_invoice_changes\n");

        assertThat(run("untrack", "app.invoice")).isZero();
        assertThat(out()).isEqualTo("untracked app.invoice (1 trigger dropped)\n");
        assertThat(run("untrack", "app.invoice")).isZero();
        assertThat(out()).isEqualTo("app.invoice was not tracked\n");
        assertThat(run("list")).isZero();
        assertThat(out()).isEmpty();
        assertThat(err()).contains("no table is tracked");
    }

    @Test
    void grant_gives_a_runtime_role_the_services_privileges() throws SQLException {
        run("migrate");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN CREATE ROLE rtsync_test_runtime LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
        }

        assertThat(run("grant", TestDatabase.RUNTIME_ROLE, "--with-retention")).isZero();
        assertThat(out()).contains("granted rtsync_test_runtime what the service needs, with DELETE on app.logging");
        assertThat(run("grant", "no_such_role_here")).isEqualTo(1);
        assertThat(err()).contains("role no_such_role_here does not exist");
    }

    @Test
    void a_table_that_cannot_be_tracked_exits_1_with_postgresqls_reason() {
        run("migrate");

        assertThat(run("track", "app.counter", "counter")).isEqualTo(1);
        assertThat(err()).contains("app.counter has no column id of type uuid");
        assertThat(run("track", "app.missing", "missing")).isEqualTo(1);
        assertThat(err()).contains("\"app.missing\" does not exist");
    }

    @Test
    void usage_mistakes_exit_2_without_touching_the_database() {
        assertThat(run("track", "app.invoice")).isEqualTo(2);
        assertThat(err()).contains("usage: java -jar rtsync.jar migrate [--with-samples] | grant <runtime-role> [--with-retention] | track <table> <entity-code>");
        assertThat(run("track", "app.invoice", "Invoice")).isEqualTo(2);
        assertThat(err()).contains("entity code must be");
        assertThat(run("migrate", "--everything")).isEqualTo(2);

        out.reset();
        err.reset();
        int exit = Main.run(new String[]{"list"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err()).contains("DATABASE_URL must name the database and its owner role");
    }
}
