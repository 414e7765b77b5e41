package dev.rtsync.application;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.application.port.out.HealthProbe;
import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.application.usecase.CheckHealthUseCase;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.ConnectUseCase;
import dev.rtsync.application.usecase.ConnectionCloser;
import dev.rtsync.application.usecase.ConnectionRegistry;
import dev.rtsync.application.usecase.DeliverPendingChangesUseCase;
import dev.rtsync.application.usecase.DisconnectUseCase;
import dev.rtsync.application.usecase.ExpireTokensUseCase;
import dev.rtsync.application.usecase.KeepAliveUseCase;
import dev.rtsync.application.usecase.PingUseCase;
import dev.rtsync.application.usecase.RefreshTokenUseCase;
import dev.rtsync.application.usecase.StatusUseCase;
import dev.rtsync.application.usecase.StoredSubscriptions;
import dev.rtsync.application.usecase.SubscribeUseCase;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase;
import dev.rtsync.application.usecase.UnsubscribeUseCase;
import dev.rtsync.application.usecase.WarnExpiringTokensUseCase;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.TypeSubscriptionPolicy;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The core of one instance, built from its ports: every use case, sharing one
 * {@link ConnectionRegistry} (the open connections) and one way to end a connection. It is the only
 * place that assembles the use cases: the bootstrap builds it from the real adapters, the tests
 * from the in-memory ones, so a new use case is wired once, here.
 *
 * <p>What it does not build: the loops and timers that drive it (the bootstrap's, since threads
 * are a deployment choice), and the opt-in {@link dev.rtsync.application.usecase.PruneChangeLogUseCase},
 * which shares nothing with the rest and exists only when retention is on.
 */
public final class RtsyncCore {

    /** The driven ports, one adapter each. */
    public record Ports(TokenVerifier tokens, SubscriptionStore store, ChangeLog changeLog, InstanceRegistry instances,
                        ClientChannel clients, HealthProbe health, Telemetry telemetry, Clock clock) {
        public Ports {
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(changeLog, "change log");
            Objects.requireNonNull(instances, "instances");
            Objects.requireNonNull(clients, "clients");
            Objects.requireNonNull(health, "health");
            Objects.requireNonNull(telemetry, "telemetry");
            Objects.requireNonNull(clock, "clock");
        }
    }

    /**
     * The rules and rhythms the use cases follow.
     *
     * @param deliveryBatchSize the most log rows one delivery round reads
     * @param tokenWarning      how long before its token expires a connection is warned
     * @param healthCacheAge    how long the database's answer to a health check is kept; zero asks at every check
     * @param heartbeatInterval how often this instance proves itself alive
     * @param deadAfter         how long an instance may stay silent before the others declare it dead
     */
    public record Settings(ConnectionLimits connectionLimits, SubscriptionLimits subscriptionLimits, EntityCatalog catalog,
                           TypeSubscriptionPolicy typeSubscriptions, int deliveryBatchSize, Duration tokenWarning,
                           Duration healthCacheAge, Duration heartbeatInterval, Duration deadAfter) {
        public Settings {
            Objects.requireNonNull(connectionLimits, "connection limits");
            Objects.requireNonNull(subscriptionLimits, "subscription limits");
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(typeSubscriptions, "type subscriptions");
            Objects.requireNonNull(tokenWarning, "token warning");
            Objects.requireNonNull(healthCacheAge, "health cache age");
            Objects.requireNonNull(heartbeatInterval, "heartbeat interval");
            Objects.requireNonNull(deadAfter, "dead after");
        }
    }

    private final ConnectionRegistry registry;
    private final ClientUseCases clientUseCases;
    private final CheckHealthUseCase checkHealth;
    private final DeliverPendingChangesUseCase deliverPendingChanges;
    private final ExpireTokensUseCase expireTokens;
    private final WarnExpiringTokensUseCase warnExpiringTokens;
    private final KeepAliveUseCase keepAlive;

    public RtsyncCore(Ports ports, Settings settings) {
        Clock clock = ports.clock();
        registry = new ConnectionRegistry(settings.connectionLimits());
        StoredSubscriptions stored = new StoredSubscriptions(ports.store());
        ConnectionCloser closer = new ConnectionCloser(registry, stored, ports.clients());
        clientUseCases = new ClientUseCases(
                new ConnectUseCase(ports.tokens(), registry, closer, clock),
                new SubscribeUseCase(registry, ports.store(), ports.clients(), settings.subscriptionLimits(),
                        settings.catalog(), settings.typeSubscriptions()),
                new UnsubscribeUseCase(registry, stored),
                new UnsubscribeAllUseCase(registry, stored),
                new PingUseCase(registry, ports.clients()),
                new RefreshTokenUseCase(ports.tokens(), registry, closer),
                new StatusUseCase(registry, ports.clients(), clock),
                new DisconnectUseCase(closer, stored));
        checkHealth = new CheckHealthUseCase(registry, ports.health(), clock, settings.healthCacheAge());
        deliverPendingChanges = new DeliverPendingChangesUseCase(ports.changeLog(), registry, ports.clients(), clock,
                settings.deliveryBatchSize(), ports.telemetry());
        expireTokens = new ExpireTokensUseCase(registry, closer, clock);
        warnExpiringTokens = new WarnExpiringTokensUseCase(registry, ports.clients(), clock, settings.tokenWarning());
        keepAlive = new KeepAliveUseCase(ports.instances(), registry, closer, ports.telemetry(), clock,
                settings.heartbeatInterval(), settings.deadAfter());
    }

    /** The connections open on this instance: what the metrics read, and what every use case shares. */
    public ConnectionRegistry registry() {
        return registry;
    }

    /** What a client's messages drive: the transport adapter's. */
    public ClientUseCases clientUseCases() {
        return clientUseCases;
    }

    /** What {@code /health} and the readiness probe report. */
    public CheckHealthUseCase checkHealth() {
        return checkHealth;
    }

    /** Run by the change watcher. */
    public DeliverPendingChangesUseCase deliverPendingChanges() {
        return deliverPendingChanges;
    }

    /** Run by the housekeeping timer, before {@link #warnExpiringTokens()}. */
    public ExpireTokensUseCase expireTokens() {
        return expireTokens;
    }

    /** Run by the housekeeping timer, after {@link #expireTokens()}. */
    public WarnExpiringTokensUseCase warnExpiringTokens() {
        return warnExpiringTokens;
    }

    /** Run by the liveness timer: heartbeats and the clean-up after dead instances. */
    public KeepAliveUseCase keepAlive() {
        return keepAlive;
    }
}
