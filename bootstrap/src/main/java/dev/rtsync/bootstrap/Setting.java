package dev.rtsync.bootstrap;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.adapters.websocket.WebSocketClientChannel;
import dev.rtsync.adapters.websocket.WebSocketSettings;
import dev.rtsync.domain.InstanceId;

import java.util.Arrays;
import java.util.List;

/**
 * Every environment variable rtsync reads, with its default and meaning. This list is the single
 * source of the README's configuration table; a test fails when the two differ.
 */
public enum Setting {
    DATABASE_URL("", "PostgreSQL as `postgresql://user:pass@host:port/db` (query parameters such as `sslmode` pass through). Empty: an embedded PostgreSQL under `RTSYNC_EMBEDDED_DIR`."),
    JWT_SECRET("", "The REST API's HS256 secret, at least " + NimbusTokenVerifier.MIN_SECRET_BYTES + " bytes. Required with `DATABASE_URL`; with the embedded database an empty value means a random development secret kept in `~/.rtsync/dev-jwt-secret`."),
    PUBSUB_PORT("4001", "Port of the WebSocket endpoint, `GET /health` and the probes `/health/live` and `/health/ready`; `GET /metrics` is on `RTSYNC_MANAGEMENT_PORT`."),
    RTSYNC_INSTANCE_ID("", "Names this instance's rows in `app.rxdb_subscription`, `app.rtsync_reader` and `app.rtsync_instance`; must differ between running instances, need not survive a restart; " + InstanceId.RULE + ". Empty: a new random id at every start, `<hostname>-<12 hex digits>`."),
    RTSYNC_EMBEDDED_DIR("~/.rtsync/postgres", "Data folder of the embedded PostgreSQL used when `DATABASE_URL` is empty; it survives restarts."),
    RTSYNC_EMBEDDED_PORT("54329", "Port of the embedded PostgreSQL on localhost, for `psql -h localhost -p 54329 -U postgres`; `0` picks a free one."),
    RTSYNC_EMBEDDED_DATABASE("true", "Whether an empty `DATABASE_URL` starts the embedded PostgreSQL; `false` (as the container image sets) makes it a start-up error instead."),
    RTSYNC_MIGRATE_ON_START("true", "Apply the Flyway migrations at start-up; `false` for teams that migrate separately."),
    RTSYNC_DB_POOL_SIZE("10", "Most pooled database connections (the change notification listener has one more of its own)."),
    RTSYNC_FALLBACK_POLL("10s", "How often the change log is read when no notification arrives (`60s` is the original design's poll)."),
    RTSYNC_BATCH_SIZE("2000", "Most change-log rows read in one query."),
    RTSYNC_JWT_CLOCK_SKEW("30s", "Tolerance for `exp` and `nbf` between this host's clock and the token issuer's."),
    RTSYNC_JWKS_FILE("", "Optional JWKS file whose RS256/ES256 keys are accepted besides HS256 with `JWT_SECRET`."),
    RTSYNC_TOKEN_WARNING("300s", "TOKEN_EXPIRING_SOON is sent once when less than this remains of a connection's token."),
    RTSYNC_IDLE_TIMEOUT("65s", "A connection that sends nothing for this long is closed (clients PING every 30 s)."),
    RTSYNC_MAX_MESSAGE_BYTES("262144", "Largest client message accepted."),
    RTSYNC_SEND_QUEUE(String.valueOf(WebSocketSettings.DEFAULT_OUTBOUND_QUEUE_CAPACITY), "Most messages waiting for one client; a client that falls further behind is disconnected."),
    RTSYNC_MAX_IDS_PER_SUBSCRIBE("1000", "Most entity ids in one SUBSCRIBE."),
    RTSYNC_MAX_SUBSCRIPTIONS("10000", "Most subscriptions one connection holds."),
    RTSYNC_MAX_SUBSCRIPTIONS_PER_USER("50000", "Most subscriptions one user holds across all of their connections on one instance."),
    RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE("1000000", "Most subscriptions all connections of one instance hold together (each is a row in `app.rxdb_subscription`); docs/reliability.md explains the default."),
    RTSYNC_MAX_CONNECTIONS_PER_USER("32", "Most open connections of one user on one instance."),
    RTSYNC_MAX_CONNECTIONS("100000", "Most open connections on one instance."),
    RTSYNC_ENTITY_CODES("", "Comma-separated entity codes clients may subscribe to. Empty: any well-formed code."),
    RTSYNC_TYPE_SUBSCRIPTIONS("", "Comma-separated entity codes whose every change a client may watch with SUBSCRIBE_TYPE (it tells the client when any entity of the code changes). Empty: none."),
    RTSYNC_SHUTDOWN_TIMEOUT("10s", "Longest a graceful shutdown (SIGTERM) may take before the process exits anyway."),
    RTSYNC_HEARTBEAT_INTERVAL("5s", "How often this instance proves itself alive in `app.rtsync_instance`, and looks for dead instances to clean up after."),
    RTSYNC_DEAD_AFTER("30s", "An instance silent this long is declared dead by a living one, which removes its subscription rows and reader position; at least twice `RTSYNC_HEARTBEAT_INTERVAL`. Should this instance come back, it closes its connections (4010) and registers afresh."),
    RTSYNC_LOG_RETENTION("", "Opt-in: delete `app.logging` rows older than this (such as `90d`) that every instance has passed, VIEW rows included, in small batches. Empty: nothing is deleted (the log is the REST API's audit trail). Needs DELETE on `app.logging` (docs/adopting.md)."),
    RTSYNC_USER_DB_MESSAGES_PER_SECOND("20", "Most SUBSCRIBE, UNSUBSCRIBE, UNSUBSCRIBE_ALL, TOKEN_REFRESH, SUBSCRIBE_TYPE and UNSUBSCRIBE_TYPE messages one user may send per second, across all its connections, with bursts of five seconds' worth; more are answered `ERROR OVER_BUDGET`. They run on half of `RTSYNC_DB_POOL_SIZE` worker threads, one message of a user at a time, the users taking turns."),
    RTSYNC_DB_MESSAGES_PER_SECOND("2000", "Most of those messages this instance accepts per second from all users together; more are answered `ERROR OVER_BUDGET`."),
    RTSYNC_JWT_ISSUER("", "When set, a token's `iss` must equal it: refuses reset or refresh tokens the REST API signs with the same secret under another issuer, and tokens of other identity providers."),
    RTSYNC_JWT_AUDIENCE("", "When set, a token's `aud` must contain it: refuses tokens the identity provider issued for other services."),
    RTSYNC_JWT_MAX_LIFETIME("", "When set (such as `24h`), a token valid for longer, from `iat` (or now, without one) to `exp`, is refused."),
    RTSYNC_SEND_QUEUE_BYTES(String.valueOf(WebSocketClientChannel.DEFAULT_MAX_QUEUED_CHARS), "Most characters of JSON (about bytes) waiting for one client, besides `RTSYNC_SEND_QUEUE` messages; a client past either is disconnected."),
    RTSYNC_MAX_PENDING_CONNECTIONS(String.valueOf(WebSocketSettings.DEFAULTS.maxPendingConnections()), "Most TCP connections of the service port at once whose WebSocket upgrade is not answered yet (plain HTTP connections count too); a new one past it is closed at once. Bounds what clients that connect and send a partial handshake, or nothing, can hold."),
    RTSYNC_HANDSHAKE_TIMEOUT("10s", "A TCP connection of the service port not upgraded to WebSocket within this time is closed, however slowly it keeps sending; plain HTTP connections too."),
    RTSYNC_MANAGEMENT_PORT("4002", "Port of `GET /metrics` (Prometheus' text format), apart from the browsers' port: scrape it from inside the cluster and do not expose it.");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The default as written in the README; empty when the setting has no fixed default. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public static List<Setting> all() {
        return Arrays.asList(values());
    }
}
