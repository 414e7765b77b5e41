package dev.rtsync.adapters.jwt;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.domain.InvalidValueException;
import dev.rtsync.domain.UserId;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.file.Path;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies the REST API's bearer tokens with Nimbus JOSE+JWT: HS256 with the shared secret
 * ({@code JWT_SECRET}) and, when a JWKS is configured, RS256 and ES256 with its public keys. The
 * user is the {@code sub} claim (a UUID); {@code exp} is required; {@code exp} and {@code nbf}
 * are checked against the clock with a small skew. The {@link Rules} may also require an
 * issuer ({@code iss}), an audience ({@code aud}) and a longest lifetime.
 *
 * <p>One clock-skew rule holds at connect and at expiry alike: a token is valid until {@code exp}
 * plus the skew, and that instant is the expiry it is verified with, so the connection is closed
 * exactly when a new connection with the same token would be refused.
 *
 * <p>Every other token is rejected, with a reason that never repeats the token: an unsigned
 * ({@code alg: none}) or encrypted token, an algorithm not configured, a bad signature, an expired
 * or not-yet-valid token, a missing or malformed {@code sub}.
 */
public final class NimbusTokenVerifier implements TokenVerifier {

    /** The shortest HS256 secret accepted: 256 bits, as RFC 7518 section 3.2 requires. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Tolerated difference between the issuer's clock and ours. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    /**
     * The longest token parsed. Real tokens are a few hundred bytes, and a URL or header of more than
     * 8 KB rarely passes a proxy; a longer one (only a TOKEN_REFRESH can carry it) is refused
     * before any Base64 or JSON work is spent on it.
     */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private static final Pattern ALGORITHM_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{1,15}");
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /**
     * What a token must carry besides a valid signature, {@code sub} and {@code exp}.
     *
     * @param clockSkew   tolerated difference between the issuer's clock and ours, for {@code exp} and {@code nbf}
     * @param issuer      when present, {@code iss} must equal it: a token of another issuer (or a reset
     *                    or refresh token the REST API signs with the same secret under another
     *                    {@code iss}) is refused
     * @param audience    when present, {@code aud} must contain it
     * @param maxLifetime when present, a token may not be valid for longer than this: from {@code iat}
     *                    (or now, without one) to {@code exp}
     */
    public record Rules(Duration clockSkew, Optional<String> issuer, Optional<String> audience, Optional<Duration> maxLifetime) {
        public Rules {
            Objects.requireNonNull(clockSkew, "clock skew");
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(maxLifetime, "max lifetime");
            if (clockSkew.isNegative() || clockSkew.toSeconds() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the clock skew must be zero or positive");
            }
            if (maxLifetime.isPresent() && !maxLifetime.get().isPositive()) {
                throw new IllegalArgumentException("the longest token lifetime must be positive");
            }
        }

        /** Only the skew: any issuer, any audience, any lifetime. */
        public static Rules skewOnly(Duration clockSkew) {
            return new Rules(clockSkew, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private final Set<JWSAlgorithm> accepted;
    private final Rules rules;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /** HS256 only. */
    public NimbusTokenVerifier(byte[] hmacSecret, Duration clockSkew, Clock clock) {
        this(hmacSecret, Rules.skewOnly(clockSkew), clock, Optional.empty());
    }

    /**
     * HS256 with the secret and, when {@code jwksFile} is present, RS256 and ES256 with the public
     * keys of that JWK set file (an identity provider's JWKS document, matched by {@code kid} when
     * the token names one).
     *
     * @throws IllegalArgumentException when the secret is shorter than {@value #MIN_SECRET_BYTES}
     *                                  bytes or the JWKS file cannot be read
     */
    public NimbusTokenVerifier(byte[] hmacSecret, Optional<Path> jwksFile, Duration clockSkew, Clock clock) {
        this(hmacSecret, jwksFile, Rules.skewOnly(clockSkew), clock);
    }

    /** As above, with the issuer, audience and lifetime {@code rules} require. */
    public NimbusTokenVerifier(byte[] hmacSecret, Optional<Path> jwksFile, Rules rules, Clock clock) {
        this(hmacSecret, rules, clock, jwksFile.map(NimbusTokenVerifier::loadJwks));
    }

    private NimbusTokenVerifier(byte[] hmacSecret, Rules rules, Clock clock, Optional<JWKSet> asymmetricKeys) {
        Objects.requireNonNull(hmacSecret, "secret");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rules = Objects.requireNonNull(rules, "rules");
        if (hmacSecret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES
                    + " bytes long, it is " + hmacSecret.length);
        }
        List<Key> hmacKey = List.of(new SecretKeySpec(Arrays.copyOf(hmacSecret, hmacSecret.length), "HmacSHA256"));
        Optional<JWSVerificationKeySelector<SecurityContext>> publicKeys = asymmetricKeys.map(keys ->
                new JWSVerificationKeySelector<>(ASYMMETRIC, new ImmutableJWKSet<>(keys.toPublicJWKSet())));
        this.accepted = publicKeys.isPresent()
                ? Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256)
                : Set.of(JWSAlgorithm.HS256);

        JWSKeySelector<SecurityContext> keys = (header, context) -> {
            if (JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
                return hmacKey;
            }
            return publicKeys.isPresent() ? publicKeys.get().selectJWSKeys(header, context) : List.of();
        };
        processor.setJWSKeySelector(keys);
        JWTClaimsSet exactMatch = rules.issuer().map(issuer -> new JWTClaimsSet.Builder().issuer(issuer).build()).orElse(null);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                rules.audience().map(Set::of).orElse(null), exactMatch, Set.of("sub", "exp"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) rules.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The header's {@code alg} is the token's text, chosen by whoever sent it: name it only when it
     * looks like an algorithm name, so a reason (which is logged) never carries line breaks or a
     * long string of the sender's choosing.
     */
    private static String nameOf(Algorithm algorithm) {
        String name = algorithm.getName();
        return ALGORITHM_NAME.matcher(name).matches() ? name : "(not an algorithm name)";
    }

    /**
     * Nimbus's reason for refusing the claims, reduced to a fixed phrase: some of its reasons repeat
     * a claim's value, which is the sender's text.
     */
    private static String claimsProblem(String nimbusReason) {
        String reason = Objects.toString(nimbusReason, "");
        if (reason.startsWith("Expired JWT")) {
            return "Expired JWT";
        }
        if (reason.startsWith("JWT before use time")) {
            return "JWT before use time";
        }
        if (reason.contains("audience") || reason.contains(" aud ")) {
            return "wrong audience";
        }
        if (reason.contains(" iss ")) {
            return "wrong issuer";
        }
        if (reason.contains("missing required claims")) {
            return "missing sub or exp";
        }
        return "claims not accepted";
    }

    private static JWKSet loadJwks(Path file) {
        try {
            return JWKSet.load(file.toFile());
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read the JWKS file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TokenVerification verify(String token) {
        if (token == null || token.isBlank()) {
            return new TokenVerification.Rejected("missing token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return new TokenVerification.Rejected("token too long");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return new TokenVerification.Rejected("malformed token");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return new TokenVerification.Rejected("unsigned or encrypted token (alg " + nameOf(jwt.getHeader().getAlgorithm()) + ")");
        }
        JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
        if (!accepted.contains(algorithm)) {
            return new TokenVerification.Rejected("algorithm " + nameOf(algorithm) + " is not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, null);
        } catch (BadJWTException e) {
            return new TokenVerification.Rejected(claimsProblem(e.getMessage()));
        } catch (BadJOSEException e) {
            return new TokenVerification.Rejected("bad signature or no matching key");
        } catch (JOSEException e) {
            return new TokenVerification.Rejected("token could not be verified");
        }
        Instant expires = claims.getExpirationTime().toInstant();
        if (rules.maxLifetime().isPresent()) {
            Instant from = claims.getIssueTime() == null ? clock.instant() : claims.getIssueTime().toInstant();
            if (Duration.between(from, expires).compareTo(rules.maxLifetime().get()) > 0) {
                return new TokenVerification.Rejected("token lifetime over " + rules.maxLifetime().get().toSeconds() + " s");
            }
        }
        try {
            // The skew that let this token in at connect keeps it until exp + skew, and no longer.
            return new TokenVerification.Verified(UserId.parse(claims.getSubject()), expires.plus(rules.clockSkew()));
        } catch (InvalidValueException e) {
            return new TokenVerification.Rejected("sub is not a user id (a UUID)");
        }
    }
}
