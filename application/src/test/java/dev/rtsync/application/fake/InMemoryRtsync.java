package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.application.usecase.CheckHealthUseCase;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.ConnectUseCase;
import dev.rtsync.application.usecase.ConnectionRegistry;
import dev.rtsync.application.usecase.DeliverPendingChangesUseCase;
import dev.rtsync.application.usecase.DisconnectUseCase;
import dev.rtsync.application.usecase.PingUseCase;
import dev.rtsync.application.usecase.RefreshTokenUseCase;
import dev.rtsync.application.usecase.StatusUseCase;
import dev.rtsync.application.usecase.SubscribeUseCase;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase;
import dev.rtsync.application.usecase.UnsubscribeUseCase;
import dev.rtsync.application.usecase.WarnExpiringTokensUseCase;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.TypeSubscriptionPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Every use case of one instance wired to in-memory adapters: what application tests drive, and
 * what the transport adapter's tests serve behind a real server.
 */
public final class InMemoryRtsync<C extends ClientChannel> {

    public static final Duration EXPIRY_WARNING_WINDOW = Duration.ofSeconds(300);
    public static final int BATCH_SIZE = 100;

    public final MutableClock clock = new MutableClock(Instant.parse("2025-11-27T10:30:00Z"));
    public final InMemorySubscriptionRows subscriptionRows = new InMemorySubscriptionRows();
    public final InMemorySubscriptionStore store = new InMemorySubscriptionStore(subscriptionRows, "instance-a");
    public final InMemoryChangeLog log = new InMemoryChangeLog(subscriptionRows, clock);
    public final ChangeLog changeLog = log.readerFor("instance-a");
    public final InMemoryTokenVerifier tokens = new InMemoryTokenVerifier();
    public final C clients;
    public final InMemoryHealthProbe health = new InMemoryHealthProbe();
    /** What delivery reports: rows read, changes delivered, lag. */
    public final RecordingTelemetry telemetry = new RecordingTelemetry();
    public final ConnectionRegistry registry;
    public final ClientUseCases useCases;
    public final DeliverPendingChangesUseCase deliverPendingChanges;
    public final WarnExpiringTokensUseCase warnExpiringTokens;

    /** Default limits, any entity code, and a channel that records every message. */
    public static InMemoryRtsync<RecordingClientChannel> recording() {
        return new InMemoryRtsync<>(new RecordingClientChannel(), SubscriptionLimits.DEFAULTS, ConnectionLimits.DEFAULTS,
                EntityCatalog.ANY);
    }

    /** Subscriptions to every entity are allowed for {@code task} only, in every test of this fake. */
    public static final TypeSubscriptionPolicy TYPE_SUBSCRIPTIONS = new TypeSubscriptionPolicy(Set.of(EntityCode.of("task")));

    /** Wires the use cases to the given channel (a real transport's, in its tests) and limits. */
    public InMemoryRtsync(C clients, SubscriptionLimits subscriptionLimits,
                          ConnectionLimits connectionLimits, EntityCatalog catalog) {
        this.clients = clients;
        this.registry = new ConnectionRegistry(connectionLimits);
        DisconnectUseCase disconnect = new DisconnectUseCase(registry, store);
        this.useCases = new ClientUseCases(
                new ConnectUseCase(tokens, registry, clients, clock),
                new SubscribeUseCase(registry, store, clients, subscriptionLimits, catalog, TYPE_SUBSCRIPTIONS),
                new UnsubscribeUseCase(registry, store),
                new UnsubscribeAllUseCase(registry, store),
                new PingUseCase(registry, clients),
                new RefreshTokenUseCase(tokens, registry, clients, disconnect),
                new StatusUseCase(registry, clients, clock),
                disconnect,
                new CheckHealthUseCase(registry, health));
        this.deliverPendingChanges = new DeliverPendingChangesUseCase(changeLog, registry, clients, clock, BATCH_SIZE, telemetry);
        this.warnExpiringTokens = new WarnExpiringTokensUseCase(registry, clients, disconnect, clock, EXPIRY_WARNING_WINDOW);
    }
}
