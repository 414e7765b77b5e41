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
 * are checked against the clock with a small skew.
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

    private final Set<JWSAlgorithm> accepted;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /** HS256 only. */
    public NimbusTokenVerifier(byte[] hmacSecret, Duration clockSkew, Clock clock) {
        this(hmacSecret, clockSkew, clock, Optional.empty());
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
        this(hmacSecret, clockSkew, clock, jwksFile.map(NimbusTokenVerifier::loadJwks));
    }

    private NimbusTokenVerifier(byte[] hmacSecret, Duration clockSkew, Clock clock, Optional<JWKSet> asymmetricKeys) {
        Objects.requireNonNull(hmacSecret, "secret");
        Objects.requireNonNull(clock, "clock");
        if (hmacSecret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES
                    + " bytes long, it is " + hmacSecret.length);
        }
        if (clockSkew.isNegative() || clockSkew.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the clock skew must be zero or positive");
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
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(null, Set.of("sub", "exp")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
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
            return new TokenVerification.Rejected(e.getMessage());
        } catch (BadJOSEException e) {
            return new TokenVerification.Rejected("bad signature or no matching key");
        } catch (JOSEException e) {
            return new TokenVerification.Rejected("token could not be verified");
        }
        try {
            return new TokenVerification.Verified(UserId.parse(claims.getSubject()), claims.getExpirationTime().toInstant());
        } catch (InvalidValueException e) {
            return new TokenVerification.Rejected("sub is not a user id (a UUID)");
        }
    }
}
