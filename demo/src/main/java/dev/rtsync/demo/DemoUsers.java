package dev.rtsync.demo;

import dev.rtsync.adapters.jwt.HmacTokenIssuer;
import dev.rtsync.domain.UserId;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The two people of the demo, so two windows can be two users. A real API signs its users in; the
 * demo hands out their tokens on request, which is why it is for development only.
 */
final class DemoUsers {

    /** One demo user: the key the page asks for, the id in its tokens (and its employee row), its name. */
    record DemoUser(String key, UserId id, String name, String email) {
    }

    static final DemoUser ALICE = new DemoUser("alice", new UserId(UUID.fromString("a11ce000-0000-4000-8000-000000000001")),
            "Alice", "alice@example.com");
    static final DemoUser BOB = new DemoUser("bob", new UserId(UUID.fromString("b0b00000-0000-4000-8000-000000000002")),
            "Bob", "bob@example.com");
    static final List<DemoUser> ALL = List.of(ALICE, BOB);

    /** How long a token the page gets is valid; the client asks for a new one before it expires. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private final HmacTokenIssuer issuer;

    DemoUsers(HmacTokenIssuer issuer) {
        this.issuer = issuer;
    }

    static Optional<DemoUser> byKey(String key) {
        return ALL.stream().filter(user -> user.key().equals(key)).findFirst();
    }

    String tokenFor(DemoUser user) {
        return issuer.issue(user.id(), TOKEN_LIFETIME);
    }
}
