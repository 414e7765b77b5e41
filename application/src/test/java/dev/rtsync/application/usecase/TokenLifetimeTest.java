package dev.rtsync.application.usecase;

import dev.rtsync.application.message.CloseReason;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.message.ServerMessage.TokenExpiringSoon;
import dev.rtsync.application.usecase.RefreshTokenUseCase.RefreshResult;
import dev.rtsync.application.usecase.RefreshTokenUseCase.RefreshTokenCommand;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The token's life on a connection: warned once, refreshed, or expired and closed. */
class TokenLifetimeTest extends RtsyncFixture {

    private final UserId alice = newUser();

    @Test
    void a_token_near_expiry_is_warned_once() {
        ConnectionId tab = connect(alice, Duration.ofMinutes(10));

        rtsync.warnExpiringTokens.warn();
        rtsync.clock.advance(Duration.ofMinutes(5));
        var first = rtsync.warnExpiringTokens.warn();
        rtsync.clock.advance(Duration.ofSeconds(30));
        var second = rtsync.warnExpiringTokens.warn();

        assertThat(clients.messagesTo(tab)).containsExactly(new TokenExpiringSoon(300));
        assertThat(first.warned()).isEqualTo(1);
        assertThat(second.warned()).isZero();
    }

    @Test
    void a_refreshed_token_moves_the_expiry_and_is_warned_again_near_its_own_end() {
        ConnectionId tab = connect(alice, Duration.ofMinutes(10));
        rtsync.clock.advance(Duration.ofMinutes(6));
        rtsync.warnExpiringTokens.warn();
        Instant newExpiry = rtsync.clock.instant().plus(Duration.ofHours(1));
        String fresh = rtsync.tokens.issue("fresh", alice, newExpiry);

        RefreshResult result = rtsync.useCases.refreshToken().refresh(new RefreshTokenCommand(tab, fresh));
        rtsync.clock.advance(Duration.ofMinutes(10));
        rtsync.warnExpiringTokens.warn();
        rtsync.clock.set(newExpiry.minusSeconds(120));
        rtsync.warnExpiringTokens.warn();

        assertThat(result).isEqualTo(new RefreshResult.Refreshed(newExpiry));
        assertThat(clients.messagesTo(tab)).containsExactly(new TokenExpiringSoon(240), new TokenExpiringSoon(120));
        assertThat(rtsync.registry.find(tab)).isPresent();
    }

    @Test
    void an_unrefreshed_token_expires_with_token_expired_and_a_close() {
        ConnectionId tab = connect(alice, Duration.ofMinutes(10));
        subscribe(tab, PROJECT, newEntities(2));
        clients.clear();

        rtsync.clock.advance(Duration.ofMinutes(10));
        var report = rtsync.expireTokens.expire();

        assertThat(report.expired()).isEqualTo(1);
        assertThat(clients.messagesTo(tab)).containsExactly(ErrorMessage.of(ErrorCode.TOKEN_EXPIRED));
        assertThat(clients.closeReasonOf(tab)).contains(CloseReason.TOKEN_EXPIRED);
        assertThat(rtsync.registry.find(tab)).isEmpty();
        assertThat(rtsync.store.subscriptionsOf(tab)).isEmpty();
    }

    @Test
    void a_token_about_to_expire_is_warned_but_not_closed_and_an_expired_one_is_closed_but_not_warned() {
        ConnectionId expiring = connect(alice, Duration.ofMinutes(10));
        ConnectionId expired = connect(alice, Duration.ofMinutes(1));
        rtsync.clock.advance(Duration.ofMinutes(6));

        assertThat(rtsync.expireTokens.expire().expired()).isEqualTo(1);
        assertThat(rtsync.warnExpiringTokens.warn().warned()).isEqualTo(1);

        assertThat(clients.messagesTo(expiring)).containsExactly(new TokenExpiringSoon(240));
        assertThat(clients.closeReasonOf(expiring)).isEmpty();
        assertThat(clients.messagesTo(expired)).containsExactly(ErrorMessage.of(ErrorCode.TOKEN_EXPIRED));
        assertThat(clients.closeReasonOf(expired)).contains(CloseReason.TOKEN_EXPIRED);
    }

    @Test
    void a_warning_carries_the_seconds_left_rounded_up_as_status_does() {
        ConnectionId tab = connect(alice, Duration.ofMinutes(10));
        rtsync.clock.advance(Duration.ofMinutes(6).plusMillis(500)); // 239.5 s left

        rtsync.warnExpiringTokens.warn();

        assertThat(clients.messagesTo(tab)).containsExactly(new TokenExpiringSoon(240));
    }

    @Test
    void a_token_of_another_user_fails_authentication_and_closes() {
        ConnectionId tab = connect(alice);
        String bobs = rtsync.tokens.issue("bobs", newUser(), rtsync.clock.instant().plusSeconds(3600));

        RefreshResult result = rtsync.useCases.refreshToken().refresh(new RefreshTokenCommand(tab, bobs));

        assertThat(result).isInstanceOf(RefreshResult.Refused.class);
        assertThat(clients.messagesTo(tab)).singleElement().isInstanceOfSatisfying(ErrorMessage.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED));
        assertThat(clients.closeReasonOf(tab)).contains(CloseReason.AUTH_FAILED);
        assertThat(rtsync.registry.find(tab)).isEmpty();
    }

    @Test
    void an_invalid_refresh_token_fails_authentication_and_closes() {
        ConnectionId tab = connect(alice);

        rtsync.useCases.refreshToken().refresh(new RefreshTokenCommand(tab, "garbage"));

        assertThat(clients.closeReasonOf(tab)).contains(CloseReason.AUTH_FAILED);
        assertThat(rtsync.registry.find(tab)).isEmpty();
    }

    @Test
    void commands_never_print_their_token() {
        assertThat(new RefreshTokenCommand(new ConnectionId("c"), "secret-token")).asString().doesNotContain("secret-token");
        assertThat(new ConnectUseCase.ConnectCommand(new ConnectionId("c"), "secret-token")).asString()
                .doesNotContain("secret-token");
    }
}
