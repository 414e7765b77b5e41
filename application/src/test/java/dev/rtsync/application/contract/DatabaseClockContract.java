package dev.rtsync.application.contract;

import dev.rtsync.application.port.out.DatabaseClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What every {@link DatabaseClock} does, given a database whose clock runs as this machine's. */
public abstract class DatabaseClockContract {

    /** The clock of a reachable database that runs on (or in step with) this machine's clock. */
    protected abstract DatabaseClock databaseClock();

    @Test
    void the_time_never_goes_backwards() {
        DatabaseClock clock = databaseClock();
        List<Instant> reads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            reads.add(clock.now());
        }
        assertThat(reads).isSorted();
    }

    @Test
    void each_read_is_the_time_of_the_call_not_of_an_earlier_one() {
        DatabaseClock clock = databaseClock();
        Instant first = clock.now();
        await().atMost(Duration.ofSeconds(10)).until(() -> clock.now().isAfter(first));
    }

    @Test
    void the_time_is_this_machines_within_the_round_trip() {
        DatabaseClock clock = databaseClock();
        Instant before = Instant.now();
        Instant now = clock.now();
        Instant after = Instant.now();
        // A database on this machine reads the same clock; a second either side allows for clock
        // granularity (PostgreSQL's microseconds, the JDK's) and is far below any skew worth a warning.
        assertThat(now).isBetween(before.minusSeconds(1), after.plusSeconds(1));
    }
}
