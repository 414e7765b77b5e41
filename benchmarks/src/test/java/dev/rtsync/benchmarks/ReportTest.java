package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    @Test
    void writes_one_json_line_with_numbers_as_numbers() {
        Report report = new Report("latency", Instant.parse("2026-01-02T03:04:05Z"))
                .put("connections opened", 10)
                .put("connects per second", 1234.5678)
                .put("latency p99 (ms)", "n/a")
                .put("first ERROR", "{\"type\":\"ERROR\"}\n");

        assertThat(report.jsonLine(Map.of("rate", "1000"))).isEqualTo("{\"scenario\":\"latency\",\"startedAt\":"
                + "\"2026-01-02T03:04:05Z\",\"settings\":{\"rate\":\"1000\"},\"metrics\":{\"connections opened\":10,"
                + "\"connects per second\":1234.568,\"latency p99 (ms)\":\"n/a\","
                + "\"first ERROR\":\"{\\\"type\\\":\\\"ERROR\\\"}\\n\"}}");
    }

    @Test
    void prints_a_markdown_table() {
        String table = new Report("fanout", Instant.parse("2026-01-02T03:04:05Z"))
                .put("deliveries missing", 0).note("deliveries missing", "target 0").markdown();

        assertThat(table).contains("### fanout", "| metric | value | note |", "| deliveries missing | 0 | target 0 |");
    }
}
