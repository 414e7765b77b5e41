package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    @Test
    void turns_the_services_uri_into_jdbc() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:secret@127.0.0.1:5434/app");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5434/app");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("secret");
        assertThat(url.toString()).doesNotContain("secret");
    }

    @Test
    void defaults_the_port_decodes_escapes_and_keeps_query_parameters() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://bench%40x:p%3Aw+d@localhost/my%20db?sslmode=disable");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/my db?sslmode=disable");
        assertThat(url.user()).isEqualTo("bench@x");
        assertThat(url.password()).isEqualTo("p:w+d");
    }

    @Test
    void a_user_without_password_is_fine() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://postgres@127.0.0.1:5432/postgres");

        assertThat(url.user()).isEqualTo("postgres");
        assertThat(url.password()).isEmpty();
    }

    @Test
    void refuses_a_database_off_this_machine() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:app@db.example.com:5432/app"))
                .isInstanceOf(UsageException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:app@10.1.2.3/app"))
                .isInstanceOf(UsageException.class).hasMessageContaining("loopback");
    }

    @Test
    void explains_what_is_wrong_with_a_malformed_url() {
        assertThatThrownBy(() -> DatabaseUrl.parse("")).hasMessageContaining("DATABASE_URL is not set");
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://127.0.0.1/app")).hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app@127.0.0.1:5432/")).hasMessageContaining("names no database");
    }
}
