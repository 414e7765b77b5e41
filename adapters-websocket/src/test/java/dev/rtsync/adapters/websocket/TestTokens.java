package dev.rtsync.adapters.websocket;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.rtsync.domain.UserId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** Mints tokens as the REST API does (HS256 with the shared secret), and the bad ones an attacker might try. */
final class TestTokens {

    static final byte[] SECRET = "the-rest-apis-shared-secret-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);

    private TestTokens() {
    }

    static String valid(UserId user, Instant expiresAt) {
        return sign(JWSAlgorithm.HS256, SECRET, claims(user.toString(), expiresAt));
    }

    static String signedWith(byte[] secret, UserId user, Instant expiresAt) {
        return sign(JWSAlgorithm.HS256, secret, claims(user.toString(), expiresAt));
    }

    static String hs512(UserId user, Instant expiresAt) {
        byte[] longer = new byte[64];
        System.arraycopy(SECRET, 0, longer, 0, SECRET.length);
        return sign(JWSAlgorithm.HS512, longer, claims(user.toString(), expiresAt));
    }

    static String unsigned(UserId user, Instant expiresAt) {
        return new PlainJWT(claims(user.toString(), expiresAt)).serialize();
    }

    static String withSubject(String subject, Instant expiresAt) {
        return sign(JWSAlgorithm.HS256, SECRET, claims(subject, expiresAt));
    }

    private static JWTClaimsSet claims(String subject, Instant expiresAt) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expiresAt)).build();
    }

    private static String sign(JWSAlgorithm algorithm, byte[] secret, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
