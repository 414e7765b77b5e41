package dev.rtsync.benchmarks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopbackTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "127.255.255.254", "localhost", "LOCALHOST", "::1", "[::1]",
            "0:0:0:0:0:0:0:1"})
    void accepts_only_this_machine(String host) {
        assertThat(Loopback.isLoopback(host)).isTrue();
        assertThat(Loopback.require("target", host).isLoopbackAddress()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.10", "172.16.0.1", "8.8.8.8", "0.0.0.0", "128.0.0.1",
            "127.0.0", "127.0.0.1.5", "127.0.0.256", "localhost.example.com", "example.com", "::2", "", " ",
            "127.0.0.1x", "1.127.0.0"})
    void refuses_every_other_host_without_resolving_it(String host) {
        assertThat(Loopback.isLoopback(host)).isFalse();
        assertThatThrownBy(() -> Loopback.require("--host", host))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("only ever talks to loopback");
    }
}
