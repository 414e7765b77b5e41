package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidateParserTest {

    record Seen(String entityId, long version) {
    }

    private static List<Seen> changes(String message) {
        List<Seen> seen = new ArrayList<>();
        int n = InvalidateParser.forEachChange(message, (id, version) -> seen.add(new Seen(id, version)));
        assertThat(n).isEqualTo(seen.size());
        return seen;
    }

    @Test
    void reads_the_designs_sample_invalidate() {
        String sample = """
                {
                  "type": "INVALIDATE",
                  "payload": {
                    "entityCode": "project",
                    "changes": [
                      {
                        "entityId": "550e8400-e29b-41d4-a716-446655440001",
                        "action": "UPDATE",
                        "version": 42
                      }
                    ],
                    "timestamp": "2025-11-27T10:30:00.000Z"
                  }
                }""";

        assertThat(InvalidateParser.type(sample)).isEqualTo(InvalidateParser.Type.INVALIDATE);
        assertThat(changes(sample)).containsExactly(new Seen("550e8400-e29b-41d4-a716-446655440001", 42));
    }

    @Test
    void reads_every_change_whatever_the_key_order() {
        String compact = "{\"type\":\"INVALIDATE\",\"payload\":{\"entityCode\":\"project\",\"changes\":["
                + "{\"entityId\":\"00000000-0000-0000-0000-000000000001\",\"action\":\"CREATE\",\"version\":7},"
                + "{\"version\":9,\"action\":\"UPDATE\",\"entityId\":\"00000000-0000-0000-0000-000000000002\"},"
                + "{\"action\":\"DELETE\",\"entityId\":\"00000000-0000-0000-0000-000000000003\",\"version\":12345678901}"
                + "],\"timestamp\":\"2025-11-27T10:30:00.000Z\"}}";

        assertThat(changes(compact)).containsExactly(
                new Seen("00000000-0000-0000-0000-000000000001", 7),
                new Seen("00000000-0000-0000-0000-000000000002", 9),
                new Seen("00000000-0000-0000-0000-000000000003", 12345678901L));
    }

    @Test
    void a_change_without_a_version_reports_minus_one() {
        String message = "{\"type\":\"INVALIDATE\",\"payload\":{\"changes\":[{\"entityId\":\"a\",\"action\":\"UPDATE\"},"
                + "{\"entityId\":\"b\",\"version\":3}]}}";

        assertThat(changes(message)).containsExactly(new Seen("a", -1), new Seen("b", 3));
    }

    @Test
    void tells_the_other_message_types_apart() {
        assertThat(InvalidateParser.type("{\"type\":\"PONG\"}")).isEqualTo(InvalidateParser.Type.PONG);
        assertThat(InvalidateParser.type("{ \"type\" : \"SUBSCRIBED\", \"payload\": {\"count\": 3}}"))
                .isEqualTo(InvalidateParser.Type.SUBSCRIBED);
        assertThat(InvalidateParser.type("{\"type\":\"ERROR\",\"payload\":{\"message\":\"Invalid token\",\"code\":\"AUTH_FAILED\"}}"))
                .isEqualTo(InvalidateParser.Type.ERROR);
        assertThat(InvalidateParser.type("{\"type\":\"TOKEN_EXPIRING_SOON\",\"payload\":{\"expiresIn\":300}}"))
                .isEqualTo(InvalidateParser.Type.TOKEN_EXPIRING_SOON);
        assertThat(InvalidateParser.type("{\"type\":\"SOMETHING\"}")).isEqualTo(InvalidateParser.Type.OTHER);
        assertThat(InvalidateParser.type("not json")).isEqualTo(InvalidateParser.Type.OTHER);
    }

    @Test
    void reads_the_count_of_a_subscribed() {
        assertThat(InvalidateParser.subscribedCount("{\"type\":\"SUBSCRIBED\",\"payload\":{\"count\":100}}")).isEqualTo(100);
        assertThat(InvalidateParser.subscribedCount("{\"type\":\"SUBSCRIBED\",\"payload\":{ \"count\" : 3 }}")).isEqualTo(3);
        assertThat(InvalidateParser.subscribedCount("{\"type\":\"SUBSCRIBED\"}")).isEqualTo(-1);
    }
}
