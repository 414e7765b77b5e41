package dev.rtsync.application.fake;

import dev.rtsync.application.RtsyncCore;
import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.application.usecase.CheckHealthUseCase;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.ConnectionRegistry;
import dev.rtsync.application.usecase.DeliverPendingChangesUseCase;
import dev.rtsync.application.usecase.ExpireTokensUseCase;
import dev.rtsync.application.usecase.KeepAliveUseCase;
import dev.rtsync.application.usecase.WarnExpiringTokensUseCase;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.TypeSubscriptionPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One instance ({@code instance-a}) whose {@link RtsyncCore} runs on in-memory adapters: what
 * application tests drive, and what the transport adapter's tests serve behind a real server.
 * The fakes are public fields, so a test can look into them or make them fail.
 */
public final class InMemoryRtsync<C extends ClientChannel> {

    public static final String INSTANCE = "instance-a";
    public static final Duration EXPIRY_WARNING_WINDOW = Duration.ofSeconds(300);
    public static final int BATCH_SIZE = 100;
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEAD_AFTER = Duration.ofSeconds(5);

    /** Subscriptions to every entity are allowed for {@code task} only, in every test of this fake. */
    public static final TypeSubscriptionPolicy TYPE_SUBSCRIPTIONS = new TypeSubscriptionPolicy(Set.of(EntityCode.of("task")));

    /**
     * Ports the core sees in place of the fakes', each made from the fake (or, for tokens, from the
     * fake's clock): a test's slow store, the real token verifier. {@link #NONE} changes nothing.
     */
    public record Replacements(Optional<Function<Clock, TokenVerifier>> tokens, UnaryOperator<SubscriptionStore> store) {

        public static final Replacements NONE = new Replacements(Optional.empty(), UnaryOperator.identity());

        public Replacements {
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(store, "store");
        }

        public Replacements withTokens(Function<Clock, TokenVerifier> verifier) {
            return new Replacements(Optional.of(verifier), store);
        }

        public Replacements withStore(UnaryOperator<SubscriptionStore> replacement) {
            return new Replacements(tokens, replacement);
        }
    }

    public final MutableClock clock = new MutableClock(Instant.parse("2025-11-27T10:30:00Z"));
    public final InMemorySubscriptionRows subscriptionRows = new InMemorySubscriptionRows();
    public final InMemorySubscriptionStore store = new InMemorySubscriptionStore(subscriptionRows, INSTANCE);
    public final InMemoryChangeLog log = new InMemoryChangeLog(subscriptionRows, clock);
    public final ChangeLog changeLog = log.readerFor(INSTANCE);
    public final InMemoryInstances instances = new InMemoryInstances(subscriptionRows, clock);
    /** Issues the tokens the use cases accept, unless {@link Replacements#tokens} names another verifier. */
    public final InMemoryTokenVerifier tokens = new InMemoryTokenVerifier();
    public final C clients;
    public final InMemoryHealthProbe health = new InMemoryHealthProbe();
    public final RecordingTelemetry telemetry = new RecordingTelemetry();
    public final RtsyncCore core;
    // Shorthands for the core's parts that tests use most.
    public final ConnectionRegistry registry;
    public final ClientUseCases useCases;
    public final CheckHealthUseCase checkHealth;
    public final DeliverPendingChangesUseCase deliverPendingChanges;
    public final ExpireTokensUseCase expireTokens;
    public final WarnExpiringTokensUseCase warnExpiringTokens;
    public final KeepAliveUseCase keepAlive;

    /** Default limits, any entity code, and a channel that records every message. */
    public static InMemoryRtsync<RecordingClientChannel> recording() {
        return recording(Replacements.NONE);
    }

    /** Default limits, any entity code, a channel that records every message, and these ports replaced. */
    public static InMemoryRtsync<RecordingClientChannel> recording(Replacements replacements) {
        return new InMemoryRtsync<>(new RecordingClientChannel(), SubscriptionLimits.DEFAULTS, ConnectionLimits.DEFAULTS,
                EntityCatalog.ANY, replacements);
    }

    /** Builds the core on the given channel (a real transport's, in its tests) and limits. */
    public InMemoryRtsync(C clients, SubscriptionLimits subscriptionLimits,
                          ConnectionLimits connectionLimits, EntityCatalog catalog) {
        this(clients, subscriptionLimits, connectionLimits, catalog, Replacements.NONE);
    }

    public InMemoryRtsync(C clients, SubscriptionLimits subscriptionLimits, ConnectionLimits connectionLimits,
                          EntityCatalog catalog, Replacements replacements) {
        this.clients = clients;
        TokenVerifier verifier = replacements.tokens().map(made -> made.apply(clock)).orElse(tokens);
        this.core = new RtsyncCore(
                new RtsyncCore.Ports(verifier, replacements.store().apply(store), changeLog,
                        instances.registryOf(INSTANCE), clients, health, telemetry, clock),
                // Health answers are not kept (age zero): tests change the database's health between checks.
                new RtsyncCore.Settings(connectionLimits, subscriptionLimits, catalog, TYPE_SUBSCRIPTIONS, BATCH_SIZE,
                        EXPIRY_WARNING_WINDOW, Duration.ZERO, HEARTBEAT_INTERVAL, DEAD_AFTER));
        this.registry = core.registry();
        this.useCases = core.clientUseCases();
        this.checkHealth = core.checkHealth();
        this.deliverPendingChanges = core.deliverPendingChanges();
        this.expireTokens = core.expireTokens();
        this.warnExpiringTokens = core.warnExpiringTokens();
        this.keepAlive = core.keepAlive();
    }
}
