package dev.rtsync.adapters.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.rtsync.domain.UserId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * Issues HS256 tokens as the REST API does, for development and tests: a newcomer mints one with
 * the service's secret and connects any WebSocket client. Production tokens come from the REST API.
 */
public final class HmacTokenIssuer {

    private final MACSigner signer;
    private final Clock clock;

    /** @throws IllegalArgumentException when the secret is shorter than {@link NimbusTokenVerifier#MIN_SECRET_BYTES} */
    public HmacTokenIssuer(byte[] secret, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < NimbusTokenVerifier.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least " + NimbusTokenVerifier.MIN_SECRET_BYTES + " bytes");
        }
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable JWT secret", e);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token for the user, valid from now for {@code lifetime}. */
    public String issue(UserId user, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token's lifetime must be positive");
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with HS256 failed", e);
        }
        return jwt.serialize();
    }
}
