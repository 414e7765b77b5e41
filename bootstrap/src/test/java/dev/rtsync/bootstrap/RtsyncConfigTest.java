package dev.rtsync.bootstrap;

import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.SubscriptionLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtsyncConfigTest {

    @Test
    void every_setting_has_a_default_that_starts_the_service() {
        RtsyncConfig config = RtsyncConfig.fromEnvironment(Map.of());

        assertThat(config.port()).isEqualTo(4001);
        assertThat(config.databaseUrl()).isEmpty();
        assertThat(config.jwtSecret()).isEmpty();
        assertThat(config.instanceId()).matches("[A-Za-z0-9._:-]{1,50}-[0-9a-f]{12}");
        assertThat(RtsyncConfig.fromEnvironment(Map.of()).instanceId()).as("new at every start").isNotEqualTo(config.instanceId());
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.deadAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.embeddedDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".rtsync", "postgres"));
        assertThat(config.embeddedPort()).isEqualTo(54329);
        assertThat(config.migrateOnStart()).isTrue();
        assertThat(config.fallbackPoll()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.tokenWarning()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(65));
        assertThat(config.subscriptionLimits()).isEqualTo(SubscriptionLimits.DEFAULTS);
        assertThat(config.connectionLimits()).isEqualTo(ConnectionLimits.DEFAULTS);
        assertThat(config.entityCatalog().accepts(EntityCode.of("anything"))).isTrue();
        assertThat(config.typeSubscriptions().allows(EntityCode.of("anything"))).isFalse();
    }

    @Test
    void values_are_read_from_the_environment() {
        RtsyncConfig config = RtsyncConfig.fromEnvironment(Map.of(
                "DATABASE_URL", "postgresql://app:app@localhost:5434/app",
                "JWT_SECRET", "a".repeat(32),
                "PUBSUB_PORT", "4100",
                "RTSYNC_INSTANCE_ID", "pod-7",
                "RTSYNC_FALLBACK_POLL", "60s",
                "RTSYNC_TOKEN_WARNING", "PT2M",
                "RTSYNC_IDLE_TIMEOUT", "1500ms",
                "RTSYNC_ENTITY_CODES", "project, task",
                "RTSYNC_TYPE_SUBSCRIPTIONS", "task",
                "RTSYNC_MIGRATE_ON_START", "false"));

        assertThat(config.databaseUrl()).contains("postgresql://app:app@localhost:5434/app");
        assertThat(config.port()).isEqualTo(4100);
        assertThat(config.instanceId()).isEqualTo("pod-7");
        assertThat(config.fallbackPoll()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.tokenWarning()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.entityCatalog().codes()).containsExactlyInAnyOrder(EntityCode.of("project"), EntityCode.of("task"));
        assertThat(config.typeSubscriptions().codes()).containsExactly(EntityCode.of("task"));
        assertThat(config.migrateOnStart()).isFalse();
    }

    @Test
    void the_subscription_caps_per_user_and_per_instance_are_read_from_the_environment() {
        RtsyncConfig config = RtsyncConfig.fromEnvironment(Map.of(
                "RTSYNC_MAX_SUBSCRIPTIONS_PER_USER", "20000",
                "RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE", "300000"));

        assertThat(config.subscriptionLimits()).isEqualTo(new SubscriptionLimits(1_000, 10_000, 20_000, 300_000));
    }

    @Test
    void the_heartbeat_interval_and_the_time_to_death_are_read_from_the_environment() {
        RtsyncConfig config = RtsyncConfig.fromEnvironment(Map.of(
                "RTSYNC_HEARTBEAT_INTERVAL", "250ms",
                "RTSYNC_DEAD_AFTER", "2s"));

        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.deadAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void retention_is_off_unless_an_age_is_given_in_days_or_any_duration() {
        assertThat(RtsyncConfig.fromEnvironment(Map.of()).logRetention()).isEmpty();
        assertThat(RtsyncConfig.fromEnvironment(Map.of("RTSYNC_LOG_RETENTION", "90d")).logRetention()).contains(Duration.ofDays(90));
        assertThat(RtsyncConfig.fromEnvironment(Map.of("RTSYNC_LOG_RETENTION", "P30D")).logRetention()).contains(Duration.ofDays(30));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "JWT_SECRET|too-short|JWT_SECRET must be at least 32 bytes",
            "PUBSUB_PORT|http|PUBSUB_PORT must be a whole number from 0 to 65535",
            "PUBSUB_PORT|70000|PUBSUB_PORT must be a whole number from 0 to 65535",
            "RTSYNC_FALLBACK_POLL|soon|RTSYNC_FALLBACK_POLL must be a duration",
            "RTSYNC_FALLBACK_POLL|1ms|RTSYNC_FALLBACK_POLL must be a duration from 10ms",
            "RTSYNC_MIGRATE_ON_START|maybe|RTSYNC_MIGRATE_ON_START must be true or false",
            "RTSYNC_INSTANCE_ID|pod 7|RTSYNC_INSTANCE_ID must be 1 to 64 characters",
            "RTSYNC_ENTITY_CODES|Project|RTSYNC_ENTITY_CODES must be a comma-separated list",
            "RTSYNC_TYPE_SUBSCRIPTIONS|task;project|RTSYNC_TYPE_SUBSCRIPTIONS must be a comma-separated list",
            "RTSYNC_MAX_SUBSCRIPTIONS|10|RTSYNC_MAX_SUBSCRIPTIONS must be at least RTSYNC_MAX_IDS_PER_SUBSCRIBE",
            "RTSYNC_MAX_SUBSCRIPTIONS_PER_USER|9999|RTSYNC_MAX_SUBSCRIPTIONS_PER_USER must be at least RTSYNC_MAX_SUBSCRIPTIONS",
            "RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE|49999|RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE must be at least RTSYNC_MAX_SUBSCRIPTIONS_PER_USER",
            "RTSYNC_HEARTBEAT_INTERVAL|10ms|RTSYNC_HEARTBEAT_INTERVAL must be a duration from 100ms",
            "RTSYNC_DEAD_AFTER|8s|RTSYNC_DEAD_AFTER must be at least twice RTSYNC_HEARTBEAT_INTERVAL",
            "RTSYNC_LOG_RETENTION|forever|RTSYNC_LOG_RETENTION must be a duration from 60s",
            "RTSYNC_LOG_RETENTION|10s|RTSYNC_LOG_RETENTION must be a duration from 60s"})
    void a_bad_value_stops_the_start_with_one_line_naming_the_variable(String name, String value, String expected) {
        assertThatThrownBy(() -> RtsyncConfig.fromEnvironment(Map.of(name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(expected)
                .hasMessageNotContaining("\n");
    }

    @Test
    void without_the_embedded_database_the_database_url_is_required() {
        assertThatThrownBy(() -> RtsyncConfig.fromEnvironment(Map.of("RTSYNC_EMBEDDED_DATABASE", "false")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("DATABASE_URL must be set: RTSYNC_EMBEDDED_DATABASE is false, so no embedded PostgreSQL is started");
        assertThat(RtsyncConfig.fromEnvironment(Map.of("RTSYNC_EMBEDDED_DATABASE", "false",
                "DATABASE_URL", "postgresql://localhost/app", "JWT_SECRET", "s".repeat(40))).embeddedDatabase()).isFalse();
    }

    @Test
    void a_real_database_needs_the_real_secret() {
        assertThatThrownBy(() -> RtsyncConfig.fromEnvironment(Map.of("DATABASE_URL", "postgresql://localhost/app")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("JWT_SECRET must be set when DATABASE_URL is: use the REST API's secret");
    }

    @Test
    void a_rejected_secret_is_never_repeated() {
        assertThatThrownBy(() -> RtsyncConfig.fromEnvironment(Map.of("JWT_SECRET", "hunter2-secret")))
                .hasMessageNotContaining("hunter2");
        assertThat(RtsyncConfig.fromEnvironment(Map.of("JWT_SECRET", "s".repeat(40))).toString()).doesNotContain("sss");
    }
}
