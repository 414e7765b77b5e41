package dev.rtsync.bootstrap;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.adapters.metrics.MicrometerTelemetry;
import dev.rtsync.adapters.postgres.DatabaseUrl;
import dev.rtsync.adapters.postgres.Migrations;
import dev.rtsync.adapters.postgres.PostgresChangeLog;
import dev.rtsync.adapters.postgres.PostgresDatabaseClock;
import dev.rtsync.adapters.postgres.PostgresDatabase;
import dev.rtsync.adapters.postgres.PostgresHealthProbe;
import dev.rtsync.adapters.postgres.PostgresInstanceRegistry;
import dev.rtsync.adapters.postgres.PostgresLogRetention;
import dev.rtsync.adapters.postgres.PostgresSubscriptionStore;
import dev.rtsync.adapters.postgres.RuntimePrivileges;
import dev.rtsync.adapters.postgres.TrackedTables;
import dev.rtsync.adapters.postgres.TrackedTables.TrackedTable;
import dev.rtsync.adapters.websocket.FairnessSettings;
import dev.rtsync.adapters.websocket.WebSocketServer;
import dev.rtsync.adapters.websocket.ManagementServer;
import dev.rtsync.adapters.websocket.OperationsEndpoints;
import dev.rtsync.adapters.websocket.WebSocketClientChannel;
import dev.rtsync.adapters.websocket.WebSocketSettings;
import dev.rtsync.application.RtsyncCore;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.usecase.ChangeWatcher;
import dev.rtsync.application.usecase.KeepAliveUseCase;
import dev.rtsync.application.usecase.PruneChangeLogUseCase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One running rtsync instance: the composition root. {@link #start} builds every adapter with plain
 * constructors, hands them to {@link RtsyncCore} as its ports, and starts the server, the change
 * watcher, the heartbeats and the housekeeping timer (token expiry, retried row removals);
 * {@link #stop} takes them down in the reverse order. End-to-end tests start it exactly as
 * {@link Main} does.
 */
public final class Rtsync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Rtsync.class);
    private static final Duration HEALTH_PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration DATABASE_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofSeconds(1);
    // Retention: small batches (short transactions, row locks only), at most 100,000 rows a minute per instance.
    private static final int RETENTION_BATCH_ROWS = 1_000;
    private static final int RETENTION_BATCHES_PER_ROUND = 100;
    private static final Duration RETENTION_INTERVAL = Duration.ofMinutes(1);
    /** How long the database's answer to a health check is kept: probes cannot exhaust the pool. */
    private static final Duration HEALTH_CACHE = Duration.ofSeconds(1);
    private static final Duration CLOCK_CHECK_INTERVAL = Duration.ofMinutes(1);
    // Well below any lag worth measuring, well above what NTP keeps hosts within.
    private static final Duration CLOCK_SKEW_TOLERANCE = Duration.ofSeconds(1);

    private final String instanceId;
    private final Duration shutdownTimeout;
    private final Deque<AutoCloseable> toCloseInReverse;
    private final PostgresSubscriptionStore store;
    private final WebSocketServer server;
    private final Thread watcher;
    private final ScheduledExecutorService housekeeping;
    private final ScheduledExecutorService liveness;
    private final KeepAliveUseCase keepAlive;
    private final int managementPort;
    private boolean stopped;

    private Rtsync(String instanceId, Duration shutdownTimeout, Deque<AutoCloseable> toCloseInReverse,
                   PostgresSubscriptionStore store, WebSocketServer server, Thread watcher,
                   ScheduledExecutorService housekeeping, ScheduledExecutorService liveness, KeepAliveUseCase keepAlive,
                   int managementPort) {
        this.instanceId = instanceId;
        this.shutdownTimeout = shutdownTimeout;
        this.toCloseInReverse = toCloseInReverse;
        this.store = store;
        this.server = server;
        this.watcher = watcher;
        this.housekeeping = housekeeping;
        this.liveness = liveness;
        this.keepAlive = keepAlive;
        this.managementPort = managementPort;
    }

    /**
     * Starts an instance. On failure everything opened so far is closed again.
     *
     * @throws ConfigurationException when a setting cannot work (a bad DATABASE_URL, say)
     */
    public static Rtsync start(RtsyncConfig config, Clock clock) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            return start(config, clock, opened);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static Rtsync start(RtsyncConfig config, Clock clock, Deque<AutoCloseable> opened) {
        MicrometerTelemetry telemetry = opened(opened, new MicrometerTelemetry());
        NimbusTokenVerifier tokens = tokenVerifier(config, clock); // a bad secret or JWKS file fails before the database starts
        PostgresDatabase database = openDatabase(config, opened);
        PostgresSubscriptionStore store = subscriptionStore(database, config.instanceId());
        PostgresChangeLog changeLog = opened(opened, new PostgresChangeLog(database, config.instanceId()));
        PostgresInstanceRegistry instances = new PostgresInstanceRegistry(database, config.instanceId(), changeLog);
        WebSocketSettings webSocket = webSocketSettings(config);
        WebSocketClientChannel clients = new WebSocketClientChannel(webSocket, telemetry, config.sendQueueBytes());

        RtsyncCore core = new RtsyncCore(
                new RtsyncCore.Ports(tokens, store, changeLog, instances, clients,
                        new PostgresHealthProbe(database, HEALTH_PROBE_TIMEOUT), new PostgresDatabaseClock(database), telemetry, clock),
                coreSettings(config));

        ScheduledExecutorService liveness = startHeartbeats(core.keepAlive(), instances, config.heartbeatInterval(), opened);
        Thread watcher = changeWatcher(core, changeLog, config.fallbackPoll(), telemetry);
        watchLevels(telemetry, core, database);
        ManagementServer management = new ManagementServer(webSocket.host(), config.managementPort(), telemetry::scrape).start();
        opened.push(management::stop);
        WebSocketServer server = startServer(config, webSocket, core, clients, telemetry, watcher);
        telemetry.watchJetty(server.jettyServer()).watchPendingConnections(server::pendingConnections);
        config.logRetention().ifPresent(age -> startRetention(
                new PruneChangeLogUseCase(new PostgresLogRetention(database), clock, age,
                        RETENTION_BATCH_ROWS, RETENTION_BATCHES_PER_ROUND, telemetry), age, opened));
        watcher.start();
        ScheduledExecutorService housekeeping = startHousekeeping(core);
        startCleanUps(liveness, core.keepAlive(), config.heartbeatInterval());
        liveness.scheduleWithFixedDelay(() -> runSafely(core.checkClockSkew()::check), 0, CLOCK_CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("rtsync instance {} ready on port {}", config.instanceId(), server.port());
        return new Rtsync(config.instanceId(), config.shutdownTimeout(), opened, store, server, watcher, housekeeping,
                liveness, core.keepAlive(), management.port());
    }

    /** The database the configuration names, or the embedded one; migrated and checked before anything uses it. */
    private static PostgresDatabase openDatabase(RtsyncConfig config, Deque<AutoCloseable> opened) {
        DatabaseUrl databaseUrl = databaseUrl(config, opened);
        PostgresDatabase database = opened(opened, PostgresDatabase.open(databaseUrl,
                new PostgresDatabase.Settings(config.poolSize(), DATABASE_CONNECTION_TIMEOUT)));
        if (config.migrateOnStart()) {
            // The embedded database is a newcomer's playground: it gets the sample tables too.
            boolean withSamples = config.databaseUrl().isEmpty();
            int applied = withSamples ? Migrations.migrateWithSamples(database.dataSource()) : Migrations.migrate(database.dataSource());
            LOG.info("Database {} migrated{} ({} migrations applied)", databaseUrl, withSamples ? " with the sample tables" : "", applied);
        }
        checkPrivileges(new RuntimePrivileges(database), config.logRetention().isPresent());
        reportTrackedTables(config, new TrackedTables(database));
        return database;
    }

    /** The store, rid of the rows an earlier run of this instance left behind (a crash leaves them). */
    private static PostgresSubscriptionStore subscriptionStore(PostgresDatabase database, String instanceId) {
        PostgresSubscriptionStore store = new PostgresSubscriptionStore(database, instanceId);
        int leftOver = store.removeAllOfThisInstance();
        LOG.info("Instance {}: removed {} subscription rows an earlier run left behind", instanceId, leftOver);
        return store;
    }

    private static NimbusTokenVerifier tokenVerifier(RtsyncConfig config, Clock clock) {
        String secret = config.jwtSecret().orElseGet(() -> {
            LOG.warn("JWT_SECRET is not set: using the development secret in {}; set it to the REST API's secret in production",
                    DevelopmentSecret.defaultLocation());
            return DevelopmentSecret.loadOrCreate(DevelopmentSecret.defaultLocation());
        });
        return new NimbusTokenVerifier(secret.getBytes(StandardCharsets.UTF_8), config.jwksFile(),
                new NimbusTokenVerifier.Rules(config.jwtClockSkew(), config.jwtIssuer(), config.jwtAudience(), config.jwtMaxLifetime()),
                clock);
    }

    private static RtsyncCore.Settings coreSettings(RtsyncConfig config) {
        return new RtsyncCore.Settings(config.connectionLimits(), config.subscriptionLimits(), config.entityCatalog(),
                config.typeSubscriptions(), config.batchSize(), config.tokenWarning(), HEALTH_CACHE,
                config.heartbeatInterval(), config.deadAfter(), CLOCK_SKEW_TOLERANCE);
    }

    private static WebSocketSettings webSocketSettings(RtsyncConfig config) {
        return WebSocketSettings.DEFAULTS
                .withPort(config.port())
                .withMaxMessageBytes(config.maxMessageBytes())
                .withIdleTimeout(config.idleTimeout())
                .withOutboundQueueCapacity(config.sendQueue())
                .withMaxPendingConnections(config.maxPendingConnections())
                .withHandshakeTimeout(config.handshakeTimeout());
    }

    /**
     * Registers this instance and starts its heartbeats, on a timer of two threads: a clean-up that
     * takes its time never delays this instance's own heartbeat. The heartbeat starts with the
     * registration, so a slow start (the server's, the JIT's) never looks like silence to the others.
     */
    private static ScheduledExecutorService startHeartbeats(KeepAliveUseCase keepAlive, PostgresInstanceRegistry instances,
                                                            Duration interval, Deque<AutoCloseable> opened) {
        ScheduledExecutorService liveness = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().name("rtsync-liveness-", 1).daemon(true).factory());
        opened.push(liveness::shutdownNow);
        instances.register();
        long millis = interval.toMillis();
        liveness.scheduleAtFixedRate(() -> runSafely(keepAlive::beat), millis, millis, TimeUnit.MILLISECONDS);
        return liveness;
    }

    /** The clean-up after dead instances, on the heartbeats' timer; started once this instance serves. */
    private static void startCleanUps(ScheduledExecutorService liveness, KeepAliveUseCase keepAlive, Duration interval) {
        long millis = interval.toMillis();
        liveness.scheduleWithFixedDelay(() -> runSafely(keepAlive::cleanUp), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The delivery loop on a thread of its own, not yet started. */
    private static Thread changeWatcher(RtsyncCore core, PostgresChangeLog changeLog, Duration fallbackPoll,
                                        MicrometerTelemetry telemetry) {
        return Thread.ofPlatform().name("rtsync-change-watcher").daemon(true).unstarted(
                new ChangeWatcher(core.deliverPendingChanges(), changeLog, fallbackPoll, telemetry));
    }

    /** The levels Prometheus reads at each scrape: open connections and the pool's use. */
    private static void watchLevels(MicrometerTelemetry telemetry, RtsyncCore core, PostgresDatabase database) {
        telemetry.watchConnections(core.registry());
        telemetry.watchPool(
                () -> database.poolUsage().active(), () -> database.poolUsage().idle(),
                () -> database.poolUsage().waiting(), () -> database.poolUsage().max());
    }

    private static WebSocketServer startServer(RtsyncConfig config, WebSocketSettings webSocket, RtsyncCore core,
                                               WebSocketClientChannel clients, MicrometerTelemetry telemetry, Thread watcher) {
        OperationsEndpoints operations = new OperationsEndpoints(core.checkHealth(),
                () -> watcher.getState() != Thread.State.TERMINATED, Optional.empty()); // metrics: on the management port
        // Half the pool runs client messages, so that delivery and the probes always find a connection.
        FairnessSettings fairness = new FairnessSettings(config.userDbMessagesPerSecond(), config.dbMessagesPerSecond(),
                Math.max(1, config.poolSize() / 2));
        return new WebSocketServer(webSocket, fairness, core.clientUseCases(), clients, telemetry, operations).start();
    }

    /**
     * Every second: closes the connections whose token expired, then warns those whose token
     * expires soon (so none is warned in the round that closes it), then retries the removal of
     * rows the store refused while it was unreachable.
     */
    private static ScheduledExecutorService startHousekeeping(RtsyncCore core) {
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                runnable -> Thread.ofPlatform().name("rtsync-housekeeping").daemon(true).unstarted(runnable));
        housekeeping.scheduleWithFixedDelay(() -> {
                    runSafely(core.expireTokens()::expire);
                    runSafely(core.warnExpiringTokens()::warn);
                    runSafely(core.clientUseCases().disconnect()::retryFailedRemovals);
                },
                HOUSEKEEPING_INTERVAL.toMillis(), HOUSEKEEPING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return housekeeping;
    }

    /** Remembers what was opened, to be closed in reverse at a stop or a failed start. */
    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    /** Runs the retention on a thread of its own, so a long round never delays token expiry. */
    private static void startRetention(PruneChangeLogUseCase prune, Duration age, Deque<AutoCloseable> opened) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                runnable -> Thread.ofPlatform().name("rtsync-retention").daemon(true).unstarted(runnable));
        opened.push(timer::shutdownNow);
        timer.scheduleWithFixedDelay(() -> runSafely(() -> {
            var deleted = prune.pruneOnce();
            if (deleted.total() > 0) {
                LOG.info("Retention deleted {} VIEW rows and {} change rows older than {}", deleted.viewRows(), deleted.changeRows(), age);
            }
        }), 0, RETENTION_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Change-log retention on: rows older than {} that every instance has passed, and VIEW rows of that age", age);
    }

    /** A missing grant stops the start with one message naming it, instead of failing at the first change. */
    private static void checkPrivileges(RuntimePrivileges privileges, boolean retention) {
        RuntimePrivileges.Report report;
        try {
            report = privileges.check(retention);
        } catch (StorageUnavailableException e) {
            return; // the next steps say that the database is down
        }
        if (!report.missingRelations().isEmpty()) {
            throw new ConfigurationException("the database is not migrated (" + String.join(", ", report.missingRelations())
                    + " missing): run java -jar rtsync.jar migrate with DATABASE_URL naming the schema's owner,"
                    + " or let the service migrate (RTSYNC_MIGRATE_ON_START=true)");
        }
        if (!report.missing().isEmpty()) {
            throw new ConfigurationException("the database role " + report.role() + " lacks " + String.join("; ", report.missing())
                    + ". As the owner of the app schema run: SELECT app.rtsync_grant_runtime('" + report.role() + "'"
                    + (retention ? ", true" : "") + ") (docs/adopting.md)");
        }
        if (report.superuser()) {
            LOG.warn("Connected to PostgreSQL as {}, a superuser: give the service a role of its own with only what it needs (docs/adopting.md)",
                    report.role());
        }
    }

    private static void reportTrackedTables(RtsyncConfig config, TrackedTables tables) {
        try {
            List<TrackedTable> tracked = tables.list();
            LOG.info("Tracked tables: {}", tracked.isEmpty() ? "none (java -jar rtsync.jar track <table> <entity-code>)"
                    : tracked.stream().map(t -> t.table() + " as " + t.entityCode()).collect(Collectors.joining(", ")));
            TrackedCodeCheck.problems(config.entityCatalog(), tracked).forEach(problem -> LOG.warn("{}", problem));
        } catch (RuntimeException e) {
            LOG.warn("Could not list the tracked tables: {}", e.toString());
        }
    }

    private static DatabaseUrl databaseUrl(RtsyncConfig config, Deque<AutoCloseable> opened) {
        if (config.databaseUrl().isPresent()) {
            try {
                return DatabaseUrl.parse(config.databaseUrl().get());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("DATABASE_URL " + e.getMessage());
            }
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(config.embeddedDir(), config.embeddedPort());
        opened.push(embedded);
        return embedded.url();
    }

    public int port() {
        return server.port();
    }

    /** The bound port of {@code GET /metrics}. */
    public int managementPort() {
        return managementPort;
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * Stops accepting, closes every connection with 1001, removes this instance's subscription
     * rows, stops the watcher and the timers, declares itself gone (so the others remove its reader
     * position), and closes the database. Bounded by the
     * shutdown timeout; safe to call twice.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        LOG.info("Stopping rtsync instance {}", instanceId);
        housekeeping.shutdownNow();
        liveness.shutdownNow();
        // The watcher first: delivering to connections that are being closed would only mark those
        // rows failed, and every client reconnects and refetches anyway. It stores its position as it ends.
        watcher.interrupt();
        try {
            watcher.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runSafely(server::stop);
        runSafely(() -> LOG.info("Removed {} subscription rows of instance {}", store.removeAllOfThisInstance(), instanceId));
        // Last, with no connection left: the others remove this instance's reader position at once.
        runSafely(keepAlive::leave);
        closeAll(toCloseInReverse);
        LOG.info("rtsync instance {} stopped", instanceId);
    }

    @Override
    public void close() {
        stop();
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            AutoCloseable next = opened.pop();
            runSafely(() -> {
                try {
                    next.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static void runSafely(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("A step failed and was skipped: {}", e.toString());
        }
    }
}
