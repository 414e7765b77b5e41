package dev.rtsync.adapters.websocket;

import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.application.usecase.ClientUseCases;
import dev.rtsync.application.usecase.ConnectUseCase;
import dev.rtsync.application.usecase.RefreshTokenUseCase;
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

/**
 * The real Javalin server on a free port, with every use case behind it in memory and tokens
 * checked by the real {@link NimbusTokenVerifier} on the test's clock.
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
    final JavalinWebSocketServer server;

    ServerFixture() {
        this(testSettings(), LIMITS, CONNECTION_LIMITS);
    }

    ServerFixture(WebSocketSettings settings, SubscriptionLimits limits, ConnectionLimits connectionLimits) {
        this(settings, limits, connectionLimits, clock -> new NimbusTokenVerifier(TestTokens.SECRET, Duration.ofSeconds(5), clock));
    }

    /** With tokens checked by the given verifier (built on the fixture's clock), such as one with a JWKS. */
    ServerFixture(WebSocketSettings settings, SubscriptionLimits limits, ConnectionLimits connectionLimits,
                  Function<Clock, TokenVerifier> verifier) {
        rtsync = new InMemoryRtsync<>(new WebSocketClientChannel(settings), limits, connectionLimits, CATALOG);
        TokenVerifier tokens = verifier.apply(rtsync.clock);
        ClientUseCases base = rtsync.useCases;
        ClientUseCases useCases = new ClientUseCases(
                new ConnectUseCase(tokens, rtsync.registry, rtsync.clients, rtsync.clock),
                base.subscribe(), base.unsubscribe(), base.unsubscribeAll(), base.ping(),
                new RefreshTokenUseCase(tokens, rtsync.registry, rtsync.clients, base.disconnect()),
                base.status(), base.disconnect(), base.checkHealth());
        server = new JavalinWebSocketServer(settings, useCases, rtsync.clients).start();
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
