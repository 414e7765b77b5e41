package dev.rtsync.adapters.websocket;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.fake.InMemoryRtsync.Replacements;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The real {@link WebSocketServer} on a free port (the protocol on Jetty's WebSocket endpoint,
 * {@code /health} on Javalin), with the application's core behind it on in-memory adapters
 * ({@link InMemoryRtsync}) and tokens checked by the real {@link NimbusTokenVerifier} on the test's clock.
 */
final class ServerFixture implements AutoCloseable {

    static final int MAX_MESSAGE_BYTES = 2048;
    static final SubscriptionLimits LIMITS = new SubscriptionLimits(3, 5);
    static final ConnectionLimits CONNECTION_LIMITS = new ConnectionLimits(2, 100);
    static final EntityCatalog CATALOG = new EntityCatalog(Set.of(EntityCode.of("project"), EntityCode.of("task")));

    static WebSocketSettings testSettings() {
        return WebSocketSettings.DEFAULTS.withHost("127.0.0.1").withPort(0).withMaxMessageBytes(MAX_MESSAGE_BYTES)
                .withCloseGrace(Duration.ofMillis(300));
    }

    final InMemoryRtsync<WebSocketClientChannel> rtsync;
    final WebSocketServer server;

    ServerFixture() {
        this(testSettings(), LIMITS, CONNECTION_LIMITS);
    }

    ServerFixture(WebSocketSettings settings, SubscriptionLimits limits, ConnectionLimits connectionLimits) {
        this(settings, limits, connectionLimits, clock -> new NimbusTokenVerifier(TestTokens.SECRET, Duration.ofSeconds(5), clock));
    }

    /** With tokens checked by the given verifier (built on the fixture's clock), such as one with a JWKS. */
    ServerFixture(WebSocketSettings settings, SubscriptionLimits limits, ConnectionLimits connectionLimits,
                  Function<Clock, TokenVerifier> verifier) {
        this(settings, FairnessSettings.DEFAULTS, System::nanoTime, limits, connectionLimits, verifier, UnaryOperator.identity(),
                WebSocketClientChannel.DEFAULT_MAX_QUEUED_CHARS);
    }

    /** With a client's outbound queue bounded to {@code maxQueuedChars} characters of JSON. */
    ServerFixture(WebSocketSettings settings, long maxQueuedChars) {
        this(settings, FairnessSettings.DEFAULTS, System::nanoTime, new SubscriptionLimits(1_000, 10_000), ConnectionLimits.DEFAULTS,
                clock -> new NimbusTokenVerifier(TestTokens.SECRET, Duration.ofSeconds(5), clock), UnaryOperator.identity(),
                maxQueuedChars);
    }

    /** With the given budgets, for a test that must send more database-bound messages than the default allows. */
    ServerFixture(WebSocketSettings settings, FairnessSettings fairness, SubscriptionLimits limits, ConnectionLimits connectionLimits) {
        this(settings, fairness, System::nanoTime, limits, connectionLimits,
                clock -> new NimbusTokenVerifier(TestTokens.SECRET, Duration.ofSeconds(5), clock), UnaryOperator.identity(),
                WebSocketClientChannel.DEFAULT_MAX_QUEUED_CHARS);
    }

    /**
     * With the given budgets and the ticker by which they and the message rate refill (a test that
     * must not depend on the machine's speed stops time), and the store the database-bound use
     * cases see, made from the in-memory one (a test's slow or blocking store).
     */
    ServerFixture(WebSocketSettings settings, FairnessSettings fairness, LongSupplier ticker,
                  UnaryOperator<SubscriptionStore> store) {
        this(settings, fairness, ticker, new SubscriptionLimits(1_000, 10_000), CONNECTION_LIMITS,
                clock -> new NimbusTokenVerifier(TestTokens.SECRET, Duration.ofSeconds(5), clock), store,
                WebSocketClientChannel.DEFAULT_MAX_QUEUED_CHARS);
    }

    private ServerFixture(WebSocketSettings settings, FairnessSettings fairness, LongSupplier ticker, SubscriptionLimits limits,
                          ConnectionLimits connectionLimits, Function<Clock, TokenVerifier> verifier,
                          UnaryOperator<SubscriptionStore> storeOfUseCases, long maxQueuedChars) {
        rtsync = new InMemoryRtsync<>(new WebSocketClientChannel(settings, Telemetry.NONE, maxQueuedChars),
                limits, connectionLimits, CATALOG, Replacements.NONE.withTokens(verifier).withStore(storeOfUseCases));
        server = new WebSocketServer(settings, fairness, rtsync.useCases, rtsync.clients, Telemetry.NONE,
                OperationsEndpoints.healthOnly(rtsync.checkHealth), ticker).start();
    }

    Instant now() {
        return rtsync.clock.instant();
    }

    String uri(String token) {
        return "ws://127.0.0.1:" + server.port() + "/?token=" + token;
    }

    String tokenFor(UserId user) {
        return TestTokens.valid(user, now().plus(Duration.ofHours(1)));
    }

    /** A client of the user, connected and authenticated (it has answered a PING). */
    TestClient connect(UserId user) {
        TestClient client = TestClient.connect(uri(tokenFor(user)));
        client.assertAlive();
        return client;
    }

    static UserId newUser() {
        return new UserId(UUID.randomUUID());
    }

    @Override
    public void close() {
        server.stop();
    }
}
