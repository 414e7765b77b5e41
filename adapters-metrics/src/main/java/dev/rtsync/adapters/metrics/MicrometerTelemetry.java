package dev.rtsync.adapters.metrics;

import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.port.out.ConnectionLevels;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.domain.SubscriptionCap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.Server;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * {@link Telemetry} as Micrometer meters in a Prometheus registry, plus the levels read at each
 * scrape (connections, subscriptions, pool) and the JVM's and Jetty's own metrics. {@link #scrape}
 * is the {@code /metrics} page. Names follow Prometheus' conventions: {@code rtsync_} first,
 * {@code _total} on counters, seconds for time; docs/operations.md lists every one.
 *
 * <p>Label values come from closed lists (wire message types, error codes, wake-up causes), never
 * from what a client sent, so the number of series stays bounded.
 */
public final class MicrometerTelemetry implements Telemetry, AutoCloseable {

    /** Bucket bounds of the delivery lag histogram: 1 ms to 1 min. */
    private static final Duration[] LAG_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};
    /** Bucket bounds of the delivery round histogram: 1 ms to 10 s. */
    private static final Duration[] ROUND_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(10)};
    /** Bucket bounds of the rows-per-read histogram. */
    private static final double[] ROW_BUCKETS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 5_000};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Map<String, Counter> received = new ConcurrentHashMap<>();
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<WakeUp, Counter> wakeUps = new EnumMap<>(WakeUp.class);
    private final Counter slowClients;
    private final Counter connectionsAdmitted;
    private final Counter connectionsRefused;
    private final Counter connectionsClosed;
    private final Counter pendingRefused;
    private final Counter pendingTimedOut;
    private final Counter changesDelivered;
    private final Timer deliveryLag;
    private final Timer deliveryRound;
    private final DistributionSummary rowsPerRead;
    private final AtomicInteger instancesAlive = new AtomicInteger();
    private final Counter instancesDeclaredDead;
    private final Counter deadSubscriptionsRemoved;
    private final Counter deadReadersRemoved;
    private final Counter rejoins;
    private final Counter viewRowsDeleted;
    private final Counter changeRowsDeleted;

    public MicrometerTelemetry() {
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("rtsync.errors").tag("code", code.name())
                    .description("ERROR messages sent to clients, by code").register(registry));
        }
        for (WakeUp cause : WakeUp.values()) {
            wakeUps.put(cause, Counter.builder("rtsync.wakeups").tag("cause", cause.name().toLowerCase(Locale.ROOT))
                    .description("Times the change watcher woke up: notified of a commit, or the fallback poll")
                    .register(registry));
        }
        connectionsAdmitted = connectionsOpenedCounter("admitted", registry);
        connectionsRefused = connectionsOpenedCounter("refused", registry);
        connectionsClosed = Counter.builder("rtsync.connections.closed")
                .description("WebSocket connections closed, admitted or not").register(registry);
        pendingRefused = pendingClosedCounter("refused", registry);
        pendingTimedOut = pendingClosedCounter("timed_out", registry);
        slowClients = Counter.builder("rtsync.slow.clients.disconnected")
                .description("Clients disconnected because they did not read their queued messages").register(registry);
        changesDelivered = Counter.builder("rtsync.changes.delivered")
                .description("Entity changes carried to clients in INVALIDATE messages").register(registry);
        deliveryLag = Timer.builder("rtsync.delivery.lag")
                .description("From a change-log row's created_ts (its writing transaction's start, database clock) "
                        + "to the moment its INVALIDATE messages were queued (this host's clock)")
                .serviceLevelObjectives(LAG_BUCKETS)
                .register(registry);
        deliveryRound = Timer.builder("rtsync.delivery.round")
                .description("One batch of the change watcher, from the start of its read to the end of its "
                        + "acknowledgement; reads that found nothing are left out")
                .serviceLevelObjectives(ROUND_BUCKETS)
                .register(registry);
        viewRowsDeleted = logRowsDeletedCounter("view", registry);
        changeRowsDeleted = logRowsDeletedCounter("change", registry);
        rowsPerRead = DistributionSummary.builder("rtsync.log.read.rows")
                .description("Change-log rows returned by one read of the log")
                .serviceLevelObjectives(ROW_BUCKETS)
                .register(registry);
        Gauge.builder("rtsync.instances.alive", instancesAlive, AtomicInteger::get)
                .description("Instances alive (heartbeat within RTSYNC_DEAD_AFTER, this one included), "
                        + "as this instance's last heartbeat saw them").register(registry);
        instancesDeclaredDead = Counter.builder("rtsync.instances.declared.dead")
                .description("Silent instances this instance declared dead").register(registry);
        deadSubscriptionsRemoved = Counter.builder("rtsync.dead.instance.rows.removed").tag("table", "rxdb_subscription")
                .description("Rows this instance removed on behalf of dead instances, by table").register(registry);
        deadReadersRemoved = Counter.builder("rtsync.dead.instance.rows.removed").tag("table", "rtsync_reader")
                .description("Rows this instance removed on behalf of dead instances, by table").register(registry);
        rejoins = Counter.builder("rtsync.instance.rejoins")
                .description("Times this instance found itself declared dead, registered afresh and closed its connections")
                .register(registry);

        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Reads open connections, their distinct users and the subscriptions they hold at each scrape. */
    @Override
    public void watchConnections(ConnectionLevels levels) {
        Gauge.builder("rtsync.connections", levels, ConnectionLevels::connectionCount)
                .description("Open, authenticated WebSocket connections on this instance").strongReference(true).register(registry);
        Gauge.builder("rtsync.users", levels, ConnectionLevels::userCount)
                .description("Distinct users with an open connection on this instance").strongReference(true).register(registry);
        Gauge.builder("rtsync.subscriptions", levels, ConnectionLevels::subscriptionCount)
                .description("Entity subscriptions held by this instance's connections (RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE caps them)")
                .strongReference(true).register(registry);
        for (SubscriptionCap cap : SubscriptionCap.values()) {
            FunctionCounter.builder("rtsync.subscriptions.refused", levels, held -> held.subscriptionsRefused(cap))
                    .tag("cap", cap.name().toLowerCase(Locale.ROOT))
                    .description("SUBSCRIBEs and SUBSCRIBE_TYPEs refused with TOO_MANY_SUBSCRIPTIONS, by the cap they would have passed:"
                            + " the connection's, the user's (across their connections) or this instance's")
                    .register(registry);
        }
    }

    /** Reads the database pool at each scrape; the suppliers must be cheap and never block. */
    public MicrometerTelemetry watchPool(IntSupplier active, IntSupplier idle, IntSupplier waiting, IntSupplier max) {
        Gauge.builder("rtsync.db.pool.connections", active, IntSupplier::getAsInt).tag("state", "active")
                .description("Pooled database connections, by state").baseUnit("connections").strongReference(true).register(registry);
        Gauge.builder("rtsync.db.pool.connections", idle, IntSupplier::getAsInt).tag("state", "idle")
                .description("Pooled database connections, by state").baseUnit("connections").strongReference(true).register(registry);
        Gauge.builder("rtsync.db.pool.connections.max", max, IntSupplier::getAsInt)
                .description("The most connections the database pool may hold").strongReference(true).register(registry);
        Gauge.builder("rtsync.db.pool.waiting.threads", waiting, IntSupplier::getAsInt)
                .description("Threads waiting for a pooled database connection").strongReference(true).register(registry);
        return this;
    }

    /** Binds Jetty's thread pool and connection metrics; call once the server started. */
    public MicrometerTelemetry watchJetty(Server server) {
        new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(registry);
        JettyConnectionMetrics.addToAllConnectors(server, registry, Tags.empty());
        return this;
    }

    /** The metrics page in Prometheus' text format (0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void messageReceived(String type) {
        received.computeIfAbsent(type, t -> Counter.builder("rtsync.messages.received").tag("type", t)
                .description("Messages received from clients, by wire type (UNREADABLE: not a known, well-formed message)")
                .register(registry)).increment();
    }

    private static Counter connectionsOpenedCounter(String outcome, PrometheusMeterRegistry registry) {
        return Counter.builder("rtsync.connections.opened").tag("outcome", outcome)
                .description("WebSocket connections opened, by what the token check decided: admitted or refused")
                .register(registry);
    }

    @Override
    public void connectionOpened(boolean admitted) {
        (admitted ? connectionsAdmitted : connectionsRefused).increment();
    }

    @Override
    public void connectionClosed() {
        connectionsClosed.increment();
    }

    private static Counter pendingClosedCounter(String reason, PrometheusMeterRegistry registry) {
        return Counter.builder("rtsync.connections.pending.closed").tag("reason", reason)
                .description("TCP connections closed before their WebSocket upgrade: refused (too many waiting, "
                        + "RTSYNC_MAX_PENDING_CONNECTIONS) or timed_out (not upgraded within RTSYNC_HANDSHAKE_TIMEOUT)")
                .register(registry);
    }

    @Override
    public void pendingConnectionRefused() {
        pendingRefused.increment();
    }

    @Override
    public void pendingConnectionTimedOut() {
        pendingTimedOut.increment();
    }

    /** Reads, at each scrape, the connections of the service port that wait for their upgrade (or are plain HTTP). */
    public MicrometerTelemetry watchPendingConnections(IntSupplier pending) {
        Gauge.builder("rtsync.connections.pending", pending, IntSupplier::getAsInt)
                .description("TCP connections of the service port not upgraded to WebSocket: handshakes in progress "
                        + "and plain HTTP (health) connections").strongReference(true).register(registry);
        return this;
    }

    @Override
    public void messageSent(String type) {
        sent.computeIfAbsent(type, t -> Counter.builder("rtsync.messages.sent").tag("type", t)
                .description("Messages queued for clients, by wire type").register(registry)).increment();
    }

    @Override
    public void errorSent(ErrorCode code) {
        errors.get(code).increment();
    }

    @Override
    public void slowClientCutOff() {
        slowClients.increment();
    }

    @Override
    public void wokeUp(WakeUp cause) {
        wakeUps.get(cause).increment();
    }

    @Override
    public void logRowsRead(int rows) {
        rowsPerRead.record(rows);
    }

    @Override
    public void logRowsDeleted(int viewRows, int changeRows) {
        viewRowsDeleted.increment(viewRows);
        changeRowsDeleted.increment(changeRows);
    }

    private static Counter logRowsDeletedCounter(String kind, PrometheusMeterRegistry registry) {
        return Counter.builder("rtsync.log.rows.deleted").tag("kind", kind)
                .description("Change-log rows deleted by the retention (RTSYNC_LOG_RETENTION): VIEW rows and change rows")
                .register(registry);
    }

    @Override
    public void changesDelivered(int changes) {
        changesDelivered.increment(changes);
    }

    @Override
    public void deliveryLag(Duration lag) {
        deliveryLag.record(lag);
    }

    @Override
    public void deliveryRound(Duration took) {
        deliveryRound.record(took);
    }

    @Override
    public void instancesAlive(int instances) {
        instancesAlive.set(instances);
    }

    @Override
    public void instancesDeclaredDead(int instances) {
        instancesDeclaredDead.increment(instances);
    }

    @Override
    public void deadInstanceRowsRemoved(int subscriptions, int readers) {
        deadSubscriptionsRemoved.increment(subscriptions);
        deadReadersRemoved.increment(readers);
    }

    @Override
    public void rejoinedAfterDeclaredDead() {
        rejoins.increment();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.getMeters().forEach(Meter::close);
        registry.close();
    }
}
