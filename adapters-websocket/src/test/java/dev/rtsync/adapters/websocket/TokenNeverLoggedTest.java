package dev.rtsync.adapters.websocket;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query token is a bearer credential: no log line may carry it, on success or on failure, at
 * rtsync's DEBUG level too (where the opening and closing of each connection is logged).
 */
class TokenNeverLoggedTest {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger rtsync = (Logger) LoggerFactory.getLogger("dev.rtsync");
    private Level rtsyncLevel;

    @BeforeEach
    void capture() {
        rtsyncLevel = rtsync.getLevel();
        rtsync.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void release() {
        root.detachAppender(logs);
        rtsync.setLevel(rtsyncLevel);
    }

    @Test
    void no_log_line_contains_a_token() {
        String garbage = "garbage-" + UUID.randomUUID();
        String valid;
        String refreshed;
        String foreign;
        try (ServerFixture fixture = new ServerFixture()) {
            UserId user = ServerFixture.newUser();
            valid = fixture.tokenFor(user);
            refreshed = TestTokens.valid(user, fixture.now().plusSeconds(7200));
            foreign = fixture.tokenFor(ServerFixture.newUser());
            try (TestClient good = TestClient.connect(fixture.uri(valid));
                 TestClient bad = TestClient.connect(fixture.uri(garbage))) {
                good.assertAlive();
                good.send("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\"" + refreshed + "\"}}");
                good.assertAlive();
                good.send("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\"" + foreign + "\"}}");
                good.expectError("AUTH_FAILED");
                good.awaitClose();
                bad.expectError("AUTH_FAILED");
                bad.awaitClose();
            }
        }

        List<String> lines = logs.list.stream().map(event -> event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))).toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("opened for user"));
        for (String token : List.of(valid, refreshed, foreign, garbage)) {
            assertThat(lines).noneSatisfy(line -> assertThat(line).contains(token));
        }
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains("token="));
    }
}
