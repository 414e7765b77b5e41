package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.InMemoryDatabaseClock;
import dev.rtsync.application.fake.MutableClock;
import dev.rtsync.application.port.out.StorageUnavailableException;
import dev.rtsync.application.usecase.CheckClockSkewUseCase.ClockSkew;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckingClockSkewTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final InMemoryDatabaseClock database = new InMemoryDatabaseClock(clock);
    private final CheckClockSkewUseCase check = new CheckClockSkewUseCase(database, clock, Duration.ofSeconds(1));

    @Test
    void clocks_that_agree_are_within_tolerance() {
        assertThat(check.check()).isEqualTo(new ClockSkew(Duration.ZERO, true));
    }

    @Test
    void the_offset_is_the_database_minus_this_instance_and_the_tolerance_holds_both_ways() {
        database.setOffset(Duration.ofMillis(1_000));
        assertThat(check.check()).isEqualTo(new ClockSkew(Duration.ofMillis(1_000), true));

        database.setOffset(Duration.ofMillis(1_001));
        assertThat(check.check()).isEqualTo(new ClockSkew(Duration.ofMillis(1_001), false));

        database.setOffset(Duration.ofSeconds(-5));
        assertThat(check.check()).isEqualTo(new ClockSkew(Duration.ofSeconds(-5), false));

        database.setOffset(Duration.ZERO);
        assertThat(check.check().withinTolerance()).isTrue();
    }

    @Test
    void an_unreachable_database_is_thrown_to_the_caller_which_tries_again_next_round() {
        database.setUnavailable(true);
        assertThatThrownBy(check::check).isInstanceOf(StorageUnavailableException.class);
    }

    @Test
    void a_negative_tolerance_is_refused() {
        assertThatThrownBy(() -> new CheckClockSkewUseCase(database, clock, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
