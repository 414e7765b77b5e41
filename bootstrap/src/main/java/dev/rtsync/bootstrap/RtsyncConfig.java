package dev.rtsync.bootstrap;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.InstanceId;
import dev.rtsync.domain.InvalidValueException;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.TypeSubscriptionPolicy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting of one rtsync process, read from the environment and checked once at start-up.
 * See {@link Setting} for what each means and its default.
 */
public record RtsyncConfig(
        Optional<String> databaseUrl,
        Optional<String> jwtSecret,
        int port,
        String instanceId,
        Path embeddedDir,
        int embeddedPort,
        boolean embeddedDatabase,
        boolean migrateOnStart,
        int poolSize,
        Duration fallbackPoll,
        int batchSize,
        Duration jwtClockSkew,
        Optional<Path> jwksFile,
        Duration tokenWarning,
        Duration idleTimeout,
        int maxMessageBytes,
        int sendQueue,
        SubscriptionLimits subscriptionLimits,
        ConnectionLimits connectionLimits,
        EntityCatalog entityCatalog,
        Duration shutdownTimeout,
        Duration heartbeatInterval,
        Duration deadAfter,
        Optional<Duration> logRetention,
        TypeSubscriptionPolicy typeSubscriptions,
        int userDbMessagesPerSecond,
        int dbMessagesPerSecond,
        Optional<String> jwtIssuer,
        Optional<String> jwtAudience,
        Optional<Duration> jwtMaxLifetime,
        long sendQueueBytes,
        int managementPort,
        int maxPendingConnections,
        Duration handshakeTimeout) {


    @Override
    public String toString() {
        return "RtsyncConfig[port=" + port + ", instanceId=" + instanceId + ", database="
                + (databaseUrl.isPresent() ? "DATABASE_URL" : "embedded at " + embeddedDir) + "]"; // never secrets
    }

    /** Reads and checks every setting; the first bad one stops with a {@link ConfigurationException}. */
    public static RtsyncConfig fromEnvironment(Map<String, String> environment) {
        EnvironmentReader env = new EnvironmentReader(environment);
        Optional<String> secret = env.optionalText(Setting.JWT_SECRET);
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < NimbusTokenVerifier.MIN_SECRET_BYTES) {
            throw new ConfigurationException("JWT_SECRET must be at least " + NimbusTokenVerifier.MIN_SECRET_BYTES
                    + " bytes, as HS256 requires; use the REST API's secret");
        }
        if (secret.isEmpty() && env.optionalText(Setting.DATABASE_URL).isPresent()) {
            throw new ConfigurationException("JWT_SECRET must be set when DATABASE_URL is: use the REST API's secret");
        }
        boolean embeddedDatabase = env.bool(Setting.RTSYNC_EMBEDDED_DATABASE);
        if (!embeddedDatabase && env.optionalText(Setting.DATABASE_URL).isEmpty()) {
            throw new ConfigurationException("DATABASE_URL must be set: RTSYNC_EMBEDDED_DATABASE is false, so no embedded PostgreSQL is started");
        }
        int port = env.integer(Setting.PUBSUB_PORT, 0, 65_535);
        String instanceId = env.optionalText(Setting.RTSYNC_INSTANCE_ID).map(RtsyncConfig::instanceId)
                .orElseGet(() -> InstanceId.randomOn(hostname())).value();
        int maxIdsPerSubscribe = env.integer(Setting.RTSYNC_MAX_IDS_PER_SUBSCRIBE, 1, 100_000);
        int maxSubscriptions = env.integer(Setting.RTSYNC_MAX_SUBSCRIPTIONS, 1, 10_000_000);
        if (maxSubscriptions < maxIdsPerSubscribe) {
            throw new ConfigurationException("RTSYNC_MAX_SUBSCRIPTIONS must be at least RTSYNC_MAX_IDS_PER_SUBSCRIBE");
        }
        int maxSubscriptionsPerUser = env.integer(Setting.RTSYNC_MAX_SUBSCRIPTIONS_PER_USER, 1, 100_000_000);
        if (maxSubscriptionsPerUser < maxSubscriptions) {
            throw new ConfigurationException("RTSYNC_MAX_SUBSCRIPTIONS_PER_USER must be at least RTSYNC_MAX_SUBSCRIPTIONS");
        }
        int maxSubscriptionsPerInstance = env.integer(Setting.RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE, 1, 1_000_000_000);
        if (maxSubscriptionsPerInstance < maxSubscriptionsPerUser) {
            throw new ConfigurationException("RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE must be at least RTSYNC_MAX_SUBSCRIPTIONS_PER_USER");
        }
        int maxPerUser = env.integer(Setting.RTSYNC_MAX_CONNECTIONS_PER_USER, 1, 1_000_000);
        int maxConnections = env.integer(Setting.RTSYNC_MAX_CONNECTIONS, 1, 10_000_000);
        if (maxConnections < maxPerUser) {
            throw new ConfigurationException("RTSYNC_MAX_CONNECTIONS must be at least RTSYNC_MAX_CONNECTIONS_PER_USER");
        }
        Duration heartbeatInterval = env.duration(Setting.RTSYNC_HEARTBEAT_INTERVAL, Duration.ofMillis(100), Duration.ofMinutes(10));
        Duration deadAfter = env.duration(Setting.RTSYNC_DEAD_AFTER, Duration.ofMillis(200), Duration.ofDays(1));
        if (deadAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new ConfigurationException("RTSYNC_DEAD_AFTER must be at least twice RTSYNC_HEARTBEAT_INTERVAL, "
                    + "or a single late heartbeat would count as death");
        }
        int userDbMessagesPerSecond = env.integer(Setting.RTSYNC_USER_DB_MESSAGES_PER_SECOND, 1, 1_000_000);
        int dbMessagesPerSecond = env.integer(Setting.RTSYNC_DB_MESSAGES_PER_SECOND, 1, 10_000_000);
        if (dbMessagesPerSecond < userDbMessagesPerSecond) {
            throw new ConfigurationException("RTSYNC_DB_MESSAGES_PER_SECOND must be at least RTSYNC_USER_DB_MESSAGES_PER_SECOND");
        }
        return new RtsyncConfig(
                env.optionalText(Setting.DATABASE_URL),
                secret,
                port,
                instanceId,
                homeRelative(env.text(Setting.RTSYNC_EMBEDDED_DIR)),
                env.integer(Setting.RTSYNC_EMBEDDED_PORT, 0, 65_535),
                embeddedDatabase,
                env.bool(Setting.RTSYNC_MIGRATE_ON_START),
                env.integer(Setting.RTSYNC_DB_POOL_SIZE, 2, 500),
                env.duration(Setting.RTSYNC_FALLBACK_POLL, Duration.ofMillis(10), Duration.ofHours(1)),
                env.integer(Setting.RTSYNC_BATCH_SIZE, 1, 100_000),
                env.duration(Setting.RTSYNC_JWT_CLOCK_SKEW, Duration.ZERO, Duration.ofMinutes(10)),
                env.optionalText(Setting.RTSYNC_JWKS_FILE).map(Path::of),
                env.duration(Setting.RTSYNC_TOKEN_WARNING, Duration.ZERO, Duration.ofDays(1)),
                env.duration(Setting.RTSYNC_IDLE_TIMEOUT, Duration.ofSeconds(1), Duration.ofDays(1)),
                env.integer(Setting.RTSYNC_MAX_MESSAGE_BYTES, 1_024, 64 * 1024 * 1024),
                env.integer(Setting.RTSYNC_SEND_QUEUE, 1, 1_000_000),
                new SubscriptionLimits(maxIdsPerSubscribe, maxSubscriptions, maxSubscriptionsPerUser, maxSubscriptionsPerInstance),
                new ConnectionLimits(maxPerUser, maxConnections),
                entityCatalog(env.text(Setting.RTSYNC_ENTITY_CODES)),
                env.duration(Setting.RTSYNC_SHUTDOWN_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(10)),
                heartbeatInterval,
                deadAfter,
                env.optionalDuration(Setting.RTSYNC_LOG_RETENTION, Duration.ofMinutes(1), Duration.ofDays(36_500)),
                new TypeSubscriptionPolicy(entityCodes(Setting.RTSYNC_TYPE_SUBSCRIPTIONS, env.text(Setting.RTSYNC_TYPE_SUBSCRIPTIONS))),
                userDbMessagesPerSecond,
                dbMessagesPerSecond,
                env.optionalText(Setting.RTSYNC_JWT_ISSUER),
                env.optionalText(Setting.RTSYNC_JWT_AUDIENCE),
                env.optionalText(Setting.RTSYNC_JWT_MAX_LIFETIME).isEmpty() ? Optional.empty()
                        : Optional.of(env.duration(Setting.RTSYNC_JWT_MAX_LIFETIME, Duration.ofSeconds(1), Duration.ofDays(366))),
                env.integer(Setting.RTSYNC_SEND_QUEUE_BYTES, 1_024, 1_000_000_000),
                env.integer(Setting.RTSYNC_MANAGEMENT_PORT, 0, 65_535),
                env.integer(Setting.RTSYNC_MAX_PENDING_CONNECTIONS, 1, 1_000_000),
                env.duration(Setting.RTSYNC_HANDSHAKE_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)));
    }

    private static EntityCatalog entityCatalog(String list) {
        return new EntityCatalog(entityCodes(Setting.RTSYNC_ENTITY_CODES, list));
    }

    private static Set<EntityCode> entityCodes(Setting setting, String list) {
        try {
            return Arrays.stream(list.split(","))
                    .map(String::trim)
                    .filter(code -> !code.isEmpty())
                    .map(EntityCode::of)
                    .collect(Collectors.toSet());
        } catch (InvalidValueException e) {
            throw new ConfigurationException(setting + " must be a comma-separated list of lower-case entity codes such as project,task");
        }
    }

    private static Path homeRelative(String path) {
        return path.equals("~") || path.startsWith("~/")
                ? Path.of(System.getProperty("user.home"), path.substring(1)).normalize()
                : Path.of(path);
    }

    private static InstanceId instanceId(String configured) {
        try {
            return new InstanceId(configured);
        } catch (InvalidValueException e) {
            throw new ConfigurationException("RTSYNC_INSTANCE_ID must be " + InstanceId.RULE);
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
