package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.MutableClock;
import dev.rtsync.application.port.out.HealthProbe;
import dev.rtsync.domain.ConnectionLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CheckHealthUseCaseTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T20:00:00Z"));
    private final AtomicInteger asked = new AtomicInteger();
    private volatile Optional<String> problem = Optional.empty();
    private final HealthProbe probe = () -> {
        asked.incrementAndGet();
        return problem;
    };
    private final CheckHealthUseCase health =
            new CheckHealthUseCase(new ConnectionRegistry(ConnectionLimits.DEFAULTS), probe, clock, Duration.ofSeconds(1));

    @Test
    void a_thousand_checks_within_a_second_ask_the_database_once() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(health.check().healthy()).isTrue();
        }
        assertThat(asked).hasValue(1);
    }

    @Test
    void after_a_second_the_database_is_asked_again_and_a_change_is_seen() {
        assertThat(health.check().healthy()).isTrue();
        problem = Optional.of("Connection refused: db.internal:5432");

        assertThat(health.check().healthy()).as("within the second: the answer kept").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(health.check().databaseProblem()).contains("Connection refused: db.internal:5432");
        assertThat(asked).hasValue(2);
    }
}
