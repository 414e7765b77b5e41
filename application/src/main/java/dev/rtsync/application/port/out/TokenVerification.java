package dev.rtsync.application.port.out;

import dev.rtsync.domain.UserId;

import java.time.Instant;
import java.util.Objects;

/** The verdict on a token. */
public sealed interface TokenVerification {

    /** The token is valid for {@code user} until {@code expiresAt}. */
    record Verified(UserId user, Instant expiresAt) implements TokenVerification {
        public Verified {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(expiresAt, "expires at");
        }
    }

    /**
     * The token is not accepted. {@code reason} is for the server's log and the client's ERROR;
     * it never contains the token.
     */
    record Rejected(String reason) implements TokenVerification {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
