package dev.rtsync.adapters.jwt;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NimbusTokenVerifierTest {

    private static final byte[] SECRET = "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2025-11-27T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final UUID USER = UUID.fromString("11111111-2222-4333-8444-555555555555");

    private static RSAKey rsa;
    private static ECKey ec;

    private final NimbusTokenVerifier verifier = new NimbusTokenVerifier(SECRET, Duration.ofSeconds(30), CLOCK);

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject(USER.toString()).issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(3600)));
    }

    private static String sign(JWSAlgorithm algorithm, JWSSigner signer, String keyId, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
        return sign(JWSAlgorithm.HS256, new MACSigner(SECRET), null, edit.apply(claims()).build());
    }

    private String rejection(String token) {
        TokenVerification verdict = verifier.verify(token);
        assertThat(verdict).isInstanceOf(TokenVerification.Rejected.class);
        String reason = ((TokenVerification.Rejected) verdict).reason();
        if (!token.isEmpty()) {
            assertThat(reason).doesNotContain(token);
        }
        return reason;
    }

    @Test
    void accepts_an_hs256_token_and_gives_its_user_and_its_expiry_plus_the_skew() throws Exception {
        assertThat(verifier.verify(hs256(c -> c)))
                .isEqualTo(new TokenVerification.Verified(new UserId(USER), NOW.plusSeconds(3600 + 30)));
    }

    /** One rule at connect and at expiry: the instant a connection is closed is the instant a new one would be refused. */
    @Test
    void the_skew_that_admits_a_token_just_past_exp_is_the_skew_its_connection_is_closed_by() throws Exception {
        TokenVerification verdict = verifier.verify(hs256(c -> c.expirationTime(Date.from(NOW.minusSeconds(29)))));
        assertThat(verdict).isEqualTo(new TokenVerification.Verified(new UserId(USER), NOW.plusSeconds(1)));
    }

    private NimbusTokenVerifier withRules(Optional<String> issuer, Optional<String> audience, Optional<Duration> maxLifetime) {
        return new NimbusTokenVerifier(SECRET, Optional.empty(),
                new NimbusTokenVerifier.Rules(Duration.ofSeconds(30), issuer, audience, maxLifetime), CLOCK);
    }

    private static String reasonOf(TokenVerification verdict) {
        assertThat(verdict).isInstanceOf(TokenVerification.Rejected.class);
        return ((TokenVerification.Rejected) verdict).reason();
    }

    @Test
    void with_a_required_issuer_a_token_of_another_issuer_or_none_is_refused() throws Exception {
        NimbusTokenVerifier strict = withRules(Optional.of("https://api.example.com"), Optional.empty(), Optional.empty());
        assertThat(strict.verify(hs256(c -> c.issuer("https://api.example.com")))).isInstanceOf(TokenVerification.Verified.class);
        assertThat(reasonOf(strict.verify(hs256(c -> c.issuer("https://api.example.com/password-reset"))))).isEqualTo("wrong issuer");
        assertThat(reasonOf(strict.verify(hs256(c -> c)))).isIn("wrong issuer", "missing sub or exp", "claims not accepted");
    }

    @Test
    void with_a_required_audience_a_token_for_another_audience_or_none_is_refused() throws Exception {
        NimbusTokenVerifier strict = withRules(Optional.empty(), Optional.of("rtsync"), Optional.empty());
        assertThat(strict.verify(hs256(c -> c.audience(List.of("rest-api", "rtsync"))))).isInstanceOf(TokenVerification.Verified.class);
        assertThat(reasonOf(strict.verify(hs256(c -> c.audience("billing"))))).isEqualTo("wrong audience");
        assertThat(reasonOf(strict.verify(hs256(c -> c)))).isIn("wrong audience", "missing sub or exp", "claims not accepted");
    }

    @Test
    void with_a_longest_lifetime_a_token_valid_for_longer_is_refused() throws Exception {
        NimbusTokenVerifier strict = withRules(Optional.empty(), Optional.empty(), Optional.of(Duration.ofHours(1)));
        assertThat(strict.verify(hs256(c -> c))).as("iat to exp: exactly an hour").isInstanceOf(TokenVerification.Verified.class);
        assertThat(reasonOf(strict.verify(hs256(c -> c.expirationTime(Date.from(NOW.plusSeconds(3601)))))))
                .isEqualTo("token lifetime over 3600 s");
        assertThat(reasonOf(strict.verify(hs256(c -> c.issueTime(null).expirationTime(Date.from(NOW.plus(Duration.ofDays(30))))))))
                .as("without iat, counted from now").isEqualTo("token lifetime over 3600 s");
    }

    @Test
    void rejects_a_missing_or_garbage_token() {
        assertThat(rejection("")).contains("missing");
        assertThat(rejection("not-a-jwt")).contains("malformed");
        assertThat(rejection("eyJhbGciOiJIUzI1NiJ9.garbage.garbage")).isNotBlank();
    }

    @Test
    void rejects_alg_none() {
        String unsigned = new PlainJWT(claims().build()).serialize();
        assertThat(rejection(unsigned)).contains("unsigned");
    }

    @Test
    void rejects_a_token_signed_with_another_secret() throws Exception {
        byte[] other = "another-secret-that-is-32-bytes-long!!".getBytes(StandardCharsets.UTF_8);
        String token = sign(JWSAlgorithm.HS256, new MACSigner(other), null, claims().build());
        assertThat(rejection(token)).contains("signature");
    }

    @Test
    void rejects_an_algorithm_it_was_not_configured_for() throws Exception {
        byte[] longSecret = new byte[64];
        System.arraycopy(SECRET, 0, longSecret, 0, SECRET.length);
        assertThat(rejection(sign(JWSAlgorithm.HS512, new MACSigner(longSecret), null, claims().build())))
                .contains("HS512");
        assertThat(rejection(sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), "rsa-1", claims().build())))
                .contains("RS256");
    }

    @Test
    void rejects_an_expired_token_beyond_the_skew_and_accepts_one_within_it() throws Exception {
        assertThat(rejection(hs256(c -> c.expirationTime(Date.from(NOW.minusSeconds(31)))))).containsIgnoringCase("expired");
        assertThat(verifier.verify(hs256(c -> c.expirationTime(Date.from(NOW.minusSeconds(29))))))
                .isInstanceOf(TokenVerification.Verified.class);
    }

    @Test
    void rejects_a_token_not_yet_valid() throws Exception {
        assertThat(rejection(hs256(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120)))))).isNotBlank();
    }

    @Test
    void rejects_a_token_without_exp_or_sub_or_with_a_sub_that_is_not_a_uuid() throws Exception {
        assertThat(rejection(hs256(c -> c.expirationTime(null)))).contains("exp");
        assertThat(rejection(hs256(c -> c.subject(null)))).contains("sub");
        assertThat(rejection(hs256(c -> c.subject("alice")))).contains("UUID");
    }

    @Test
    void refuses_an_unreadable_jwks_file(@TempDir Path dir) {
        assertThatThrownBy(() -> new NimbusTokenVerifier(SECRET, Optional.of(dir.resolve("missing.json")), Duration.ZERO, CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JWKS");
    }

    @Test
    void refuses_a_secret_shorter_than_32_bytes() {
        assertThatThrownBy(() -> new NimbusTokenVerifier(new byte[31], Duration.ZERO, CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
    }

    @Test
    void accepts_rs256_and_es256_tokens_of_a_configured_jwks_file(@TempDir Path dir) throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(java.util.List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        NimbusTokenVerifier withKeys = new NimbusTokenVerifier(SECRET, Optional.of(jwks),
                Duration.ofSeconds(30), CLOCK);

        assertThat(withKeys.verify(sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), "rsa-1", claims().build())))
                .isInstanceOf(TokenVerification.Verified.class);
        assertThat(withKeys.verify(sign(JWSAlgorithm.ES256, new ECDSASigner(ec), "ec-1", claims().build())))
                .isInstanceOf(TokenVerification.Verified.class);
        assertThat(withKeys.verify(hs256(c -> c))).isInstanceOf(TokenVerification.Verified.class);

        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertThat(withKeys.verify(sign(JWSAlgorithm.RS256, new RSASSASigner(stranger), "rsa-1", claims().build())))
                .isInstanceOf(TokenVerification.Rejected.class);
        assertThat(withKeys.verify(sign(JWSAlgorithm.RS512, new RSASSASigner(rsa), "rsa-1", claims().build())))
                .isInstanceOf(TokenVerification.Rejected.class);
    }
}
