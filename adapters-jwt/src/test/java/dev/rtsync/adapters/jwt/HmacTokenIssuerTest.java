package dev.rtsync.adapters.jwt;

import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HmacTokenIssuerTest {

    private static final byte[] SECRET = "an-hs256-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private final Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);

    @Test
    void an_issued_token_verifies_for_its_user_until_its_expiry() { // with no skew, exactly its exp
        UserId user = new UserId(UUID.randomUUID());

        String token = new HmacTokenIssuer(SECRET, clock).issue(user, Duration.ofHours(8));

        assertThat(new NimbusTokenVerifier(SECRET, Duration.ZERO, clock).verify(token))
                .isEqualTo(new TokenVerification.Verified(user, clock.instant().plus(Duration.ofHours(8))));
    }

    @Test
    void a_token_issued_with_another_secret_does_not_verify() {
        byte[] other = "another-hs256-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);

        String token = new HmacTokenIssuer(other, clock).issue(new UserId(UUID.randomUUID()), Duration.ofHours(1));

        assertThat(new NimbusTokenVerifier(SECRET, Duration.ZERO, clock).verify(token))
                .isInstanceOf(TokenVerification.Rejected.class);
    }

    @Test
    void short_secrets_and_empty_lifetimes_are_refused() {
        assertThatThrownBy(() -> new HmacTokenIssuer("short".getBytes(StandardCharsets.UTF_8), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HmacTokenIssuer(SECRET, clock).issue(new UserId(UUID.randomUUID()), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
