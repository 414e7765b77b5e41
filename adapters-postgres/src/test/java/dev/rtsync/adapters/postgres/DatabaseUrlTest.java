package dev.rtsync.adapters.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    @Test
    void a_full_url_gives_the_driver_url_user_and_password() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:s3cret@db.example:6543/rtsync?sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/rtsync?sslmode=require");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).contains("s3cret");
    }

    @Test
    void the_port_defaults_to_5432_and_the_password_may_be_absent() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://postgres@127.0.0.1/postgres");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres");
        assertThat(url.password()).isEmpty();
    }

    @Test
    void percent_encoded_credentials_are_decoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://me%40corp:p%3Ass%2Fw%40rd+x@host/db");

        assertThat(url.user()).isEqualTo("me@corp");
        assertThat(url.password()).contains("p:ss/w@rd+x");
    }

    @Test
    void query_parameters_pass_through_and_libpq_names_become_the_drivers() {
        DatabaseUrl url = DatabaseUrl.parse(
                "postgresql://u:p@h/db?sslmode=verify-full&connect_timeout=5&application_name=rtsync&sslrootcert=%2Fetc%2Fca.pem");

        assertThat(url.parameters()).containsExactly(
                Map.entry("sslmode", "verify-full"), Map.entry("connectTimeout", "5"),
                Map.entry("ApplicationName", "rtsync"), Map.entry("sslrootcert", "/etc/ca.pem"));
        assertThat(url.jdbcUrl()).endsWith("/db?sslmode=verify-full&connectTimeout=5&ApplicationName=rtsync&sslrootcert=%2Fetc%2Fca.pem");
    }

    @Test
    void an_ipv6_host_is_kept_in_brackets() {
        assertThat(DatabaseUrl.parse("postgresql://u@[::1]:5433/db").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/db");
    }

    @Test
    void to_string_masks_the_password_and_to_uri_round_trips() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:s%3Acret@host:5432/db?sslmode=require");

        assertThat(url.toString()).doesNotContain("s:cret").contains("app:***@host");
        assertThat(DatabaseUrl.parse(url.toUri())).isEqualTo(url);
    }

    @Test
    void another_database_on_the_same_server() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:pw@host/postgres").withDatabase("rtsync_test_1");

        assertThat(url).isEqualTo(new DatabaseUrl("host", 5432, "rtsync_test_1", "app", Optional.of("pw"), Map.of()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                             | empty",
            "jdbc:postgresql://host:5432/db                  | not a jdbc: URL",
            "mysql://u:p@host/db                             | must start with postgresql://",
            "postgresql://u:p@/db                            | no host",
            "postgresql://u:p@host:5432                      | no database",
            "postgresql://u:p@host:5432/                     | no database",
            "postgresql://host:5432/db                       | no user",
            "postgresql://:p@host:5432/db                    | no user",
            "postgresql://u:p@host:5432/db?sslmode           | without a value",
            "postgresql://u@host/db?password=x               | query parameter",
            "postgresql://u:p@h1:5432,h2:5432/db             | several hosts",
            "postgresql://u:p w@host/db                      | not a valid URI",
    })
    void bad_urls_are_refused_with_a_message_that_says_what_to_fix(String text, String message) {
        assertThatThrownBy(() -> DatabaseUrl.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void a_refusal_never_echoes_the_password() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:topsecret@host:5432"))
                .hasMessageNotContaining("topsecret");
    }
}
