package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.jwt.HmacTokenIssuer;
import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.bootstrap.Rtsync;
import dev.rtsync.bootstrap.RtsyncConfig;
import dev.rtsync.domain.UserId;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Starts rtsync instances against a test database exactly as {@code Main} does, and mints their tokens. */
final class Instances {

    static final String SECRET = "end-to-end-test-secret-of-at-least-32-bytes";
    private static final HmacTokenIssuer TOKENS =
            new HmacTokenIssuer(SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());

    private Instances() {
    }

    /**
     * The environment of an instance on a free port, connected as the runtime role to the database
     * the owner migrated, as docs/adopting.md runs it.
     */
    static Map<String, String> environment(TestDatabase database, String instanceId) {
        Map<String, String> environment = new HashMap<>();
        environment.put("DATABASE_URL", database.runtimeUri());
        environment.put("RTSYNC_MIGRATE_ON_START", "false");
        environment.put("JWT_SECRET", SECRET);
        environment.put("PUBSUB_PORT", "0");
        environment.put("RTSYNC_MANAGEMENT_PORT", "0");
        environment.put("RTSYNC_INSTANCE_ID", instanceId);
        environment.put("RTSYNC_SHUTDOWN_TIMEOUT", "10s");
        environment.put("RTSYNC_TYPE_SUBSCRIPTIONS", "task");
        return environment;
    }

    static Rtsync start(TestDatabase database, String instanceId) {
        return Rtsync.start(RtsyncConfig.fromEnvironment(environment(database, instanceId)), Clock.systemUTC());
    }

    static String token(UUID user) {
        return TOKENS.issue(new UserId(user), Duration.ofHours(1));
    }
}
