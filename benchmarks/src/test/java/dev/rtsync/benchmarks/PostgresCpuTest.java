package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresCpuTest {

    @Test
    void reads_user_and_system_ticks_even_when_the_command_holds_spaces_and_parentheses() {
        String stat = "4242 (postgres: x (y) z) S 1 4242 4242 0 -1 4194560 500 0 0 0 123 45 0 0 20 0 1 0 100 0 0";

        assertThat(PostgresCpu.parseTicks(stat)).isEqualTo(168);
    }

    @Test
    void splits_the_tool_s_backends_from_the_rest_and_counts_new_backends_from_zero() {
        var before = Optional.of(new PostgresCpu.Sample(Map.of(1, 100L, 2, 50L), Map.of(1, true, 2, false)));
        var after = Optional.of(new PostgresCpu.Sample(Map.of(1, 150L, 2, 250L, 3, 30L), Map.of(1, true, 2, false, 3, false)));

        PostgresCpu.Split split = PostgresCpu.between(before, after).orElseThrow();

        assertThat(split.toolSeconds()).isEqualTo(0.5);
        assertThat(split.rtsyncSeconds()).isEqualTo(2.3);
    }

    @Test
    void this_process_s_own_ticks_can_be_read() {
        assertThat(PostgresCpu.ticksOf((int) ProcessHandle.current().pid())).isPresent();
    }
}
