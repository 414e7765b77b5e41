package dev.rtsync.adapters.jwt;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.rtsync.application.port.out.TokenVerification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attacks on bearer tokens that issue 7 lists, against a verifier that accepts HS256 and, from a
 * JWKS file, RS256 and ES256: each is rejected, and the reason (which is logged and sent to the
 * client) never repeats any part of the token.
 */
class NimbusTokenAttackTest {

    private static final byte[] SECRET = "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2025-11-27T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String USER = "11111111-2222-4333-8444-555555555555";

    @TempDir
    static Path dir;
    private static RSAKey rsa;
    private static ECKey ec;
    private static NimbusTokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        verifier = new NimbusTokenVerifier(SECRET, Optional.of(jwks), Duration.ofSeconds(30), CLOCK);
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject(USER).expirationTime(Date.from(NOW.plusSeconds(3600)));
    }

    private static String sign(JWSHeader header, JWSSigner signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Asserts the token is rejected and returns the reason, which must not repeat any part of the token. */
    private static String rejected(String token) {
        TokenVerification verdict = verifier.verify(token);
        assertThat(verdict).isInstanceOf(TokenVerification.Rejected.class);
        String reason = ((TokenVerification.Rejected) verdict).reason();
        for (String part : token.split("\\.")) {
            if (part.length() >= 8) {
                assertThat(reason).doesNotContain(part);
            }
        }
        assertThat(reason).hasSizeLessThan(120).doesNotContain("\n").doesNotContain("\r");
        return reason;
    }

    @Test
    void the_valid_tokens_this_test_starts_from_are_accepted() throws Exception {
        assertThat(verifier.verify(sign(new JWSHeader(JWSAlgorithm.HS256), new MACSigner(SECRET), claims().build())))
                .isInstanceOf(TokenVerification.Verified.class);
        assertThat(verifier.verify(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
                new RSASSASigner(rsa), claims().build()))).isInstanceOf(TokenVerification.Verified.class);
    }

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void alg_none_in_any_spelling_with_or_without_a_signature_is_rejected(String alg) throws Exception {
        String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
        String payload = b64(claims().build().toString());
        rejected(header + "." + payload + ".");
        String genuine = sign(new JWSHeader(JWSAlgorithm.HS256), new MACSigner(SECRET), claims().build());
        rejected(header + "." + payload + "." + genuine.split("\\.")[2]); // a real signature of another header
    }

    @Test
    void hs256_signed_with_the_rsa_public_key_as_secret_is_rejected() throws Exception {
        byte[] der = rsa.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        List<byte[]> secrets = List.of(der, pem.getBytes(StandardCharsets.US_ASCII),
                pem.strip().getBytes(StandardCharsets.US_ASCII), rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                rsa.getModulus().decode());
        for (byte[] secret : secrets) {
            for (String keyId : new String[] {null, "rsa-1"}) {
                String token = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).type(JOSEObjectType.JWT).build(),
                        new MACSigner(secret), claims().build());
                assertThat(rejected(token)).isEqualTo("bad signature or no matching key");
            }
        }
    }

    @Test
    void a_token_with_its_own_key_embedded_in_the_header_is_rejected() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").jwk(attacker.toPublicJWK()).build(),
                new RSASSASigner(attacker), claims().build());
        assertThat(rejected(token)).isEqualTo("bad signature or no matching key");
    }

    @Test
    void an_es256_token_with_a_zero_signature_is_rejected() throws Exception {
        String genuine = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
                new com.nimbusds.jose.crypto.ECDSASigner(ec), claims().build());
        String[] parts = genuine.split("\\.");
        rejected(parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[64])); // CVE-2022-21449, "psychic signatures"
    }

    @Test
    void a_validly_signed_token_past_exp_before_nbf_or_with_a_bad_sub_is_rejected() throws Exception {
        JWSHeader hs256 = new JWSHeader(JWSAlgorithm.HS256);
        MACSigner signer = new MACSigner(SECRET);
        assertThat(rejected(sign(hs256, signer, claims().expirationTime(Date.from(NOW.minusSeconds(31))).build())))
                .isEqualTo("Expired JWT");
        assertThat(rejected(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), new RSASSASigner(rsa),
                claims().expirationTime(Date.from(NOW.minusSeconds(3600))).build()))).isEqualTo("Expired JWT");
        assertThat(rejected(sign(hs256, signer, claims().notBeforeTime(Date.from(NOW.plusSeconds(120))).build())))
                .isEqualTo("JWT before use time");
        for (String sub : new String[] {"alice", "1", USER.replace("-", ""), "' OR '1'='1", UUID.randomUUID() + "\n"}) {
            assertThat(rejected(sign(hs256, signer, claims().subject(sub).build()))).isEqualTo("sub is not a user id (a UUID)");
        }
    }

    @Test
    void an_algorithm_name_of_the_attackers_choosing_is_not_repeated_in_the_reason() {
        String forged = "HS256\n10:30:00.000 INFO  [main] d.r.a.w.WebSocketEndpoint - Connection x opened for user admin";
        String header = b64("{\"alg\":\"" + forged.replace("\n", "\\n") + "\",\"typ\":\"JWT\"}");
        String reason = rejected(header + "." + b64(claims().build().toString()) + ".c2lnbmF0dXJl");
        assertThat(reason).doesNotContain("opened for user").doesNotContain("INFO");
        String encrypted = b64("{\"alg\":\"" + forged.replace("\n", "\\n") + "\",\"enc\":\"A128GCM\"}");
        assertThat(rejected(encrypted + ".a2V5.aXZpdg.Y2lwaGVydGV4dA.dGFnMTIzNA")).startsWith("unsigned or encrypted").doesNotContain("opened for user");
        String huge = b64("{\"alg\":\"" + "A".repeat(5_000) + "\"}");
        assertThat(rejected(huge + "." + b64(claims().build().toString()) + ".c2lnbmF0dXJl")).doesNotContain("AAAAAAAA");
    }

    @Test
    void a_key_id_of_the_attackers_choosing_finds_no_key() throws Exception {
        for (String kid : new String[] {"../../../../dev/null", "rsa-1' OR '1'='1", "", "ec-1"}) {
            String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                    new RSASSASigner(new RSAKeyGenerator(2048).generate()), claims().build());
            assertThat(rejected(token)).isEqualTo("bad signature or no matching key");
        }
    }

    @Test
    void a_token_over_16_KB_is_refused_by_its_length_before_it_is_parsed() throws Exception {
        assertThat(rejected("eyJ" + "A".repeat(1 << 20))).isEqualTo("token too long");
        JWSHeader hs256 = new JWSHeader(JWSAlgorithm.HS256);
        assertThat(rejected(sign(hs256, new MACSigner(SECRET), claims().claim("pad", "x".repeat(1 << 20)).build())))
                .as("even a validly signed one").isEqualTo("token too long");
        String under = sign(hs256, new MACSigner(SECRET), claims().claim("pad", "x".repeat(10_000)).build());
        assertThat(under.length()).isLessThan(NimbusTokenVerifier.MAX_TOKEN_CHARS);
        assertThat(verifier.verify(under)).isInstanceOf(TokenVerification.Verified.class);
    }
}
