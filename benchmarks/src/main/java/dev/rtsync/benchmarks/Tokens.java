package dev.rtsync.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.IntUnaryOperator;

/** Signs the tokens a browser would get from the REST API: HS256, the user's UUID in {@code sub}. */
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
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new UsageException("JWT_SECRET must be the running rtsync's secret (at least 32 bytes)");
        }
        try {
            MACSigner signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
            Instant now = Instant.now();
            tokens = new ArrayList<>(users);
            for (int u = 0; u < users; u++) {
                JWTClaimsSet claims = new JWTClaimsSet.Builder()
                        .subject(userId(u).toString())
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(lifetime)))
                        .build();
                SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
                jwt.sign(signer);
                tokens.add(jwt.serialize());
            }
        } catch (JOSEException e) {
            throw new UsageException("cannot sign a token with JWT_SECRET: " + e.getMessage());
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
