package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load tool's rules on top of the service's own parsing (adapters-postgres' DatabaseUrlTest covers that). */
class BenchDatabaseTest {

    @Test
    void reads_the_url_as_the_service_does() {
        BenchDatabase database = BenchDatabase.parse("postgresql://app:secret@127.0.0.1:5434/app?sslmode=disable");

        assertThat(database.url().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5434/app?sslmode=disable");
        assertThat(database.url().user()).isEqualTo("app");
        assertThat(database.url().password()).contains("secret");
        assertThat(database.toString()).doesNotContain("secret");
    }

    @Test
    void another_database_on_the_same_server_must_be_a_plain_name() {
        BenchDatabase database = BenchDatabase.parse("postgresql://postgres@localhost/postgres");

        assertThat(database.withDatabase("held_elsewhere").url().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/held_elsewhere");
        assertThatThrownBy(() -> database.withDatabase("x; DROP")).isInstanceOf(UsageException.class);
    }

    @Test
    void refuses_a_database_off_this_machine() {
        assertThatThrownBy(() -> BenchDatabase.parse("postgresql://app:app@db.example.com:5432/app"))
                .isInstanceOf(UsageException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> BenchDatabase.parse("postgresql://app:app@10.1.2.3/app"))
                .isInstanceOf(UsageException.class).hasMessageContaining("loopback");
    }

    @Test
    void explains_what_is_wrong_as_a_usage_error() {
        assertThatThrownBy(() -> BenchDatabase.parse("")).isInstanceOf(UsageException.class).hasMessageContaining("DATABASE_URL is not set");
        assertThatThrownBy(() -> BenchDatabase.parse("jdbc:postgresql://127.0.0.1/app"))
                .isInstanceOf(UsageException.class).hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> BenchDatabase.parse("postgresql://app@127.0.0.1:5432/"))
                .isInstanceOf(UsageException.class).hasMessageContaining("names no database");
    }
}
