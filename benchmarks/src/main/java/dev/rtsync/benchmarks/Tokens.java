package dev.rtsync.benchmarks;

import dev.rtsync.adapters.jwt.HmacTokenIssuer;
import dev.rtsync.domain.UserId;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntUnaryOperator;

/**
 * The tokens a browser would get from the REST API, minted with {@link HmacTokenIssuer} (HS256, the
 * user's UUID in {@code sub}), the same issuer as {@code java -jar rtsync.jar token}.
 */
final class Tokens {

    private final List<String> tokens;
    private final IntUnaryOperator userOfConnection;

    /** One token per user; users get fixed UUIDs so runs are repeatable. Connection i belongs to user i mod users. */
    Tokens(String secret, int users, Duration lifetime) {
        this(secret, users, lifetime, connection -> connection % users);
    }

    /** As above, with connection i belonging to user {@code userOfConnection(i)}, which must be below {@code users}. */
    Tokens(String secret, int users, Duration lifetime, IntUnaryOperator userOfConnection) {
        this.userOfConnection = userOfConnection;
        HmacTokenIssuer issuer;
        try {
            issuer = new HmacTokenIssuer(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new UsageException("JWT_SECRET must be the running rtsync's secret: " + e.getMessage());
        }
        tokens = new ArrayList<>(users);
        for (int u = 0; u < users; u++) {
            tokens.add(issuer.issue(new UserId(userId(u)), lifetime));
        }
    }

    static UUID userId(int user) {
        return UUID.nameUUIDFromBytes(("rtsync-bench-user-" + user).getBytes(StandardCharsets.UTF_8));
    }

    /** The token of the user that connection {@code connection} belongs to. */
    String forConnection(int connection) {
        return tokens.get(userOfConnection.applyAsInt(connection));
    }
}
