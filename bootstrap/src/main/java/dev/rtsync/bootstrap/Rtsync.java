package dev.rtsync.bootstrap;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.adapters.metrics.MicrometerTelemetry;
import dev.rtsync.adapters.postgres.DatabaseUrl;
import dev.rtsync.adapters.postgres.Migrations;
import dev.rtsync.adapters.postgres.PostgresChangeLog;
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
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.usecase.ChangeWatcher;
import dev.rtsync.application.usecase.CheckHealthUseCase;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.ConnectUseCase;
import dev.rtsync.application.usecase.ConnectionRegistry;
import dev.rtsync.application.usecase.DeliverPendingChangesUseCase;
import dev.rtsync.application.usecase.DisconnectUseCase;
import dev.rtsync.application.usecase.KeepAliveUseCase;
import dev.rtsync.application.usecase.PingUseCase;
import dev.rtsync.application.usecase.PruneChangeLogUseCase;
import dev.rtsync.application.usecase.RefreshTokenUseCase;
import dev.rtsync.application.usecase.StatusUseCase;
import dev.rtsync.application.usecase.SubscribeUseCase;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase;
import dev.rtsync.application.usecase.UnsubscribeUseCase;
import dev.rtsync.application.usecase.WarnExpiringTokensUseCase;
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
 * One running rtsync instance: the composition root. {@link #start} builds every adapter and use
 * case with plain constructors and starts the server, the change watcher and the housekeeping timer (token expiry, retried row removals);
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
        MicrometerTelemetry telemetry = new MicrometerTelemetry();
        opened.push(telemetry);
        DatabaseUrl databaseUrl = databaseUrl(config, opened);
        String secret = config.jwtSecret().orElseGet(() -> {
            LOG.warn("JWT_SECRET is not set: using the development secret in {}; set it to the REST API's secret in production",
                    DevelopmentSecret.defaultLocation());
            return DevelopmentSecret.loadOrCreate(DevelopmentSecret.defaultLocation());
        });

        PostgresDatabase database = PostgresDatabase.open(databaseUrl,
                new PostgresDatabase.Settings(config.poolSize(), DATABASE_CONNECTION_TIMEOUT));
        opened.push(database);
        if (config.migrateOnStart()) {
            // The embedded database is a newcomer's playground: it gets the sample tables too.
            boolean withSamples = config.databaseUrl().isEmpty();
            int applied = withSamples ? Migrations.migrateWithSamples(database.dataSource()) : Migrations.migrate(database.dataSource());
            LOG.info("Database {} migrated{} ({} migrations applied)", databaseUrl, withSamples ? " with the sample tables" : "", applied);
        }
        checkPrivileges(new RuntimePrivileges(database), config.logRetention().isPresent());
        reportTrackedTables(config, new TrackedTables(database));
        PostgresSubscriptionStore store = new PostgresSubscriptionStore(database, config.instanceId());
        int leftOver = store.removeAllOfThisInstance();
        LOG.info("Instance {}: removed {} subscription rows an earlier run left behind", config.instanceId(), leftOver);
        PostgresChangeLog changeLog = new PostgresChangeLog(database, config.instanceId());
        opened.push(changeLog);
        PostgresInstanceRegistry instances = new PostgresInstanceRegistry(database, config.instanceId(), changeLog);

        WebSocketSettings webSocket = WebSocketSettings.DEFAULTS
                .withPort(config.port())
                .withMaxMessageBytes(config.maxMessageBytes())
                .withIdleTimeout(config.idleTimeout())
                .withOutboundQueueCapacity(config.sendQueue())
                .withMaxPendingConnections(config.maxPendingConnections())
                .withHandshakeTimeout(config.handshakeTimeout());
        WebSocketClientChannel clients = new WebSocketClientChannel(webSocket, telemetry, config.sendQueueBytes());
        NimbusTokenVerifier tokens = new NimbusTokenVerifier(secret.getBytes(StandardCharsets.UTF_8), config.jwksFile(),
                new NimbusTokenVerifier.Rules(config.jwtClockSkew(), config.jwtIssuer(), config.jwtAudience(), config.jwtMaxLifetime()),
                clock);
        ConnectionRegistry registry = new ConnectionRegistry(config.connectionLimits());
        DisconnectUseCase disconnect = new DisconnectUseCase(registry, store);
        ClientUseCases useCases = new ClientUseCases(
                new ConnectUseCase(tokens, registry, clients, clock),
                new SubscribeUseCase(registry, store, clients, config.subscriptionLimits(), config.entityCatalog(),
                        config.typeSubscriptions()),
                new UnsubscribeUseCase(registry, store),
                new UnsubscribeAllUseCase(registry, store),
                new PingUseCase(registry, clients),
                new RefreshTokenUseCase(tokens, registry, clients, disconnect),
                new StatusUseCase(registry, clients, clock),
                disconnect,
                new CheckHealthUseCase(registry, new PostgresHealthProbe(database, HEALTH_PROBE_TIMEOUT), clock, HEALTH_CACHE));
        DeliverPendingChangesUseCase deliver =
                new DeliverPendingChangesUseCase(changeLog, registry, clients, clock, config.batchSize(), telemetry);
        WarnExpiringTokensUseCase warnExpiringTokens =
                new WarnExpiringTokensUseCase(registry, clients, disconnect, clock, config.tokenWarning());
        KeepAliveUseCase keepAlive = new KeepAliveUseCase(instances, registry, clients, disconnect, telemetry, clock,
                config.heartbeatInterval(), config.deadAfter());
        // Two threads: a clean-up that takes its time never delays this instance's own heartbeat. The
        // heartbeat starts with the registration, so a slow start (the server's, the JIT's) never
        // looks like silence to the others.
        ScheduledExecutorService liveness = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().name("rtsync-liveness-", 1).daemon(true).factory());
        opened.push(liveness::shutdownNow);
        instances.register();
        long heartbeatMillis = config.heartbeatInterval().toMillis();
        liveness.scheduleAtFixedRate(() -> runSafely(keepAlive::beat), heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);

        Thread watcher = Thread.ofPlatform().name("rtsync-change-watcher").daemon(true).unstarted(
                new ChangeWatcher(deliver, changeLog, config.fallbackPoll(), (cause, report) -> telemetry.wokeUp(cause)));
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                runnable -> Thread.ofPlatform().name("rtsync-housekeeping").daemon(true).unstarted(runnable));
        telemetry.watchConnections(registry).watchPool(
                () -> database.poolUsage().active(), () -> database.poolUsage().idle(),
                () -> database.poolUsage().waiting(), () -> database.poolUsage().max());
        OperationsEndpoints operations = new OperationsEndpoints(
                () -> watcher.getState() != Thread.State.TERMINATED, Optional.empty()); // metrics: on the management port
        ManagementServer management = new ManagementServer(webSocket.host(), config.managementPort(), telemetry::scrape).start();
        opened.push(management::stop);
        // Half the pool runs client messages, so that delivery and the probes always find a connection.
        FairnessSettings fairness = new FairnessSettings(config.userDbMessagesPerSecond(), config.dbMessagesPerSecond(),
                Math.max(1, config.poolSize() / 2));
        WebSocketServer server = new WebSocketServer(webSocket, fairness, useCases, clients, telemetry, operations).start();
        telemetry.watchJetty(server.jettyServer()).watchPendingConnections(server::pendingConnections);

        config.logRetention().ifPresent(age -> startRetention(
                new PruneChangeLogUseCase(new PostgresLogRetention(database), clock, age,
                        RETENTION_BATCH_ROWS, RETENTION_BATCHES_PER_ROUND, telemetry), age, opened));
        watcher.start();
        housekeeping.scheduleWithFixedDelay(() -> {
                    runSafely(warnExpiringTokens::warnAndExpire);
                    runSafely(disconnect::retryFailedRemovals);
                },
                HOUSEKEEPING_INTERVAL.toMillis(), HOUSEKEEPING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        liveness.scheduleWithFixedDelay(() -> runSafely(keepAlive::cleanUp), heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
        LOG.info("rtsync instance {} ready on port {}", config.instanceId(), server.port());
        return new Rtsync(config.instanceId(), config.shutdownTimeout(), opened, store, server, watcher, housekeeping,
                liveness, keepAlive, management.port());
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
