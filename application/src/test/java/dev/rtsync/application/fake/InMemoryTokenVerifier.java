package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.domain.UserId;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link TokenVerifier} that knows the tokens a test issued; every other token is rejected. */
public final class InMemoryTokenVerifier implements TokenVerifier {

    private final Map<String, TokenVerification.Verified> issued = new ConcurrentHashMap<>();

    /** Makes {@code token} valid for {@code user} until {@code expiresAt}, and returns it. */
    public String issue(String token, UserId user, Instant expiresAt) {
        issued.put(token, new TokenVerification.Verified(user, expiresAt));
        return token;
    }

    @Override
    public TokenVerification verify(String token) {
        TokenVerification.Verified verified = issued.get(token);
        return verified != null ? verified : new TokenVerification.Rejected("unknown token");
    }
}
