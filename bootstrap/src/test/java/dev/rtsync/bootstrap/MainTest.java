package dev.rtsync.bootstrap;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line: the token subcommand, and how a bad start is reported. */
class MainTest {

    private static final String SECRET = "a-secret-for-the-command-line-tests-0123456789";
    private static final String USER = "550e8400-e29b-41d4-a716-446655440000";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> environment, String... args) {
        return Main.run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void token_prints_a_token_for_the_user_signed_with_the_configured_secret() {
        int exit = run(Map.of("JWT_SECRET", SECRET), "token", USER, "2h");

        String token = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(exit).isZero();
        assertThat(new NimbusTokenVerifier(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ZERO, Clock.systemUTC())
                .verify(token)).isInstanceOfSatisfying(TokenVerification.Verified.class, verified -> {
                    assertThat(verified.user()).isEqualTo(UserId.parse(USER));
                    assertThat(Duration.between(Clock.systemUTC().instant(), verified.expiresAt()))
                            .isBetween(Duration.ofMinutes(119), Duration.ofMinutes(121));
                });
    }

    @Test
    void token_refuses_a_user_that_is_not_a_uuid() {
        assertThat(run(Map.of("JWT_SECRET", SECRET), "token", "alice")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the user must be a UUID");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void token_refuses_a_lifetime_that_is_not_a_duration() {
        assertThat(run(Map.of("JWT_SECRET", SECRET), "token", USER, "forever")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the lifetime must be a positive duration");
    }

    @Test
    void an_unknown_command_prints_the_usage() {
        assertThat(run(Map.of(), "serve-forever")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command").contains("Usage");
    }

    @Test
    void a_bad_setting_stops_the_start_with_one_line_naming_the_variable() {
        assertThat(run(Map.of("PUBSUB_PORT", "port"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("rtsync: PUBSUB_PORT must be a whole number from 0 to 65535");
    }

    @Test
    void an_embedded_database_that_cannot_start_says_why_and_how_to_use_a_server(@TempDir Path home) throws Exception {
        Path notAFolder = Files.writeString(home.resolve("file"), "not a folder");

        assertThatThrownBy(() -> EmbeddedDatabase.start(notAFolder.resolve("postgres"), 0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("The embedded PostgreSQL could not start in " + notAFolder.resolve("postgres"))
                .hasMessageContaining("set DATABASE_URL");
    }
}
