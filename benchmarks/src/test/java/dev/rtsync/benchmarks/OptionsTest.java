package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {

    @Test
    void flags_win_over_the_environment_which_wins_over_defaults() {
        Options options = Options.parse(new String[]{"latency", "--rate", "500", "--seconds=20"}, 1,
                Map.of("BENCH_RATE", "900", "BENCH_WRITERS", "3"));

        assertThat(options.integer("rate", 1000, 1, 50_000)).isEqualTo(500);
        assertThat(options.integer("seconds", 30, 1, 600)).isEqualTo(20);
        assertThat(options.integer("writers", 1, 1, 16)).isEqualTo(3);
        assertThat(options.integer("connections", 10_000, 1, 60_000)).isEqualTo(10_000);
    }

    @Test
    void every_number_is_bounded() {
        Options options = Options.parse(new String[]{"x", "--connections", "1000000"}, 1, Map.of());

        assertThatThrownBy(() -> options.integer("connections", 10, 1, 60_000))
                .isInstanceOf(UsageException.class).hasMessageContaining("from 1 to 60000");
    }

    @Test
    void a_flag_nobody_reads_is_an_error() {
        Options options = Options.parse(new String[]{"x", "--conections", "5"}, 1, Map.of());
        options.integer("connections", 10, 1, 100);

        assertThatThrownBy(options::rejectUnread).hasMessageContaining("--conections");
    }

    @Test
    void passwords_never_reach_the_report() {
        Options options = Options.parse(new String[]{"x"}, 1, Map.of("DATABASE_URL", "postgresql://app:hunter2@127.0.0.1/app"));
        options.textOrEnv("database-url", "DATABASE_URL", "");

        assertThat(options.used().get("database-url")).isEqualTo("postgresql://app:***@127.0.0.1/app");
    }

    @Test
    void the_service_port_variable_is_the_default_target() {
        Options options = Options.parse(new String[]{"x"}, 1, Map.of("BENCH_PORT", "4100"));

        assertThat(options.integer("port", 4001, 1, 65535)).isEqualTo(4100);
    }
}
