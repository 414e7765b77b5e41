package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.SubscriptionLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.rtsync.adapters.websocket.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile frames at the socket, each with the exact answer the protocol defines, against a server
 * with the production sizes (256 KiB largest message, 1,000 ids per SUBSCRIBE, 10,000
 * subscriptions): binary frames, huge id arrays, deep nesting, unknown fields, SQL in codes and ids,
 * and frames that break the WebSocket framing itself.
 */
class HostileFramesTest {

    private static final int MAX = WebSocketSettings.DEFAULTS.maxMessageBytes();
    private static final String SQL = "project'; DROP TABLE app.logging; --";
    private static ServerFixture fixture;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        WebSocketSettings settings = WebSocketSettings.DEFAULTS.withHost("127.0.0.1").withPort(0)
                .withCloseGrace(java.time.Duration.ofMillis(300));
        fixture = new ServerFixture(settings, SubscriptionLimits.DEFAULTS, ConnectionLimits.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(TestClient::close);
    }

    private TestClient client() {
        TestClient client = fixture.connect(ServerFixture.newUser());
        clients.add(client);
        return client;
    }

    private static String subscribe(String code, List<String> ids) {
        return "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"" + code + "\",\"entityIds\":["
                + String.join(",", ids.stream().map(id -> "\"" + id + "\"").toList()) + "]}}";
    }

    private static List<String> uuids(int count) {
        return IntStream.range(0, count).mapToObj(i -> UUID.randomUUID().toString()).toList();
    }

    @Test
    void binary_frames_of_any_size_up_to_the_hard_limit_are_invalid_payload_and_the_connection_stays() {
        TestClient client = client();
        Random random = new Random(1);
        for (int size : new int[] {0, 1, 125, 126, 65_536, MAX + 1}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            client.sendBinary(bytes);
            client.expectError("INVALID_PAYLOAD");
        }
        client.sendBinary("{\"type\":\"PING\"}".getBytes(StandardCharsets.UTF_8)); // valid JSON, but binary
        client.expectError("INVALID_PAYLOAD");
        client.assertAlive();
    }

    /**
     * Each oversized frame is sent only up to one byte past the hard limit: Jetty closes with 1009
     * there, and a client still sending the rest would make the server's TCP stack reset the
     * connection over the unread bytes, so that the close frame could be lost (a browser then sees
     * 1006). Stopping at the limit lets the one expected code be asserted.
     */
    @Test
    void a_binary_frame_over_the_hard_limit_closes_with_1009() throws IOException {
        try (RawSocket raw = RawSocket.connect(fixture.server.port(), fixture.tokenFor(ServerFixture.newUser()))) {
            raw.sendFrameStart(0x2, 4L * MAX, new byte[2 * MAX + 1]);
            assertThat(raw.readCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    void an_id_array_over_the_per_subscribe_limit_is_too_many_ids_and_changes_nothing() {
        TestClient client = client();
        client.send(subscribe("project", uuids(1_001)));
        assertThat(client.expectError("TOO_MANY_IDS").path("payload").path("message").asText())
                .isEqualTo("At most 1000 entity ids per SUBSCRIBE, got 1001");
        client.send(subscribe("project", uuids(1_000)));
        assertThat(client.next()).isEqualTo(json("{\"type\":\"SUBSCRIBED\",\"payload\":{\"count\":1000}}"));
    }

    @Test
    void thousands_of_copies_of_one_id_count_once() {
        TestClient client = client();
        String id = UUID.randomUUID().toString();
        client.send(subscribe("task", java.util.Collections.nCopies(5_000, id))); // 195 KB, under the limit
        assertThat(client.next()).isEqualTo(json("{\"type\":\"SUBSCRIBED\",\"payload\":{\"count\":1}}"));
    }

    @Test
    void an_id_array_larger_than_the_largest_message_is_message_too_large_and_one_past_the_hard_limit_closes_1009() throws IOException {
        TestClient client = client();
        String large = subscribe("project", uuids(10_000)); // about 390 KB: over 256 KiB, under 512 KiB
        assertThat(large.length()).isBetween(MAX + 1, 2 * MAX);
        client.send(large);
        client.expectError("MESSAGE_TOO_LARGE");
        client.assertAlive();

        try (RawSocket raw = RawSocket.connect(fixture.server.port(), fixture.tokenFor(ServerFixture.newUser()))) {
            String huge = subscribe("project", uuids(20_000)); // about 780 KB, sent up to one byte past the limit
            assertThat(huge.length()).isGreaterThan(2 * MAX + 1);
            raw.sendFrameStart(0x1, huge.length(), huge.substring(0, 2 * MAX + 1).getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readCloseCode()).isEqualTo(1009);
        }
    }

    @ParameterizedTest(name = "{0} levels")
    @ValueSource(ints = {1_001, 10_000, 100_000})
    void json_nested_past_jacksons_limit_is_invalid_json_and_the_connection_stays(int depth) {
        TestClient client = client();
        client.send("{\"type\":\"PING\",\"payload\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        client.expectError("INVALID_JSON");
        int objects = Math.min(depth, 40_000); // six bytes a level: 40,000 levels stay under the 256 KiB limit
        client.send("{\"a\":".repeat(objects) + "1" + "}".repeat(objects));
        client.expectError("INVALID_JSON");
        client.send("[".repeat(depth)); // never closed
        client.expectError("INVALID_JSON");
        client.assertAlive();
    }

    @Test
    void unknown_fields_anywhere_are_ignored() {
        TestClient client = client();
        String id = UUID.randomUUID().toString();
        client.send("{\"id\":1,\"type\":\"SUBSCRIBE\",\"meta\":{\"x\":[1,{\"y\":null}]},\"payload\":{\"entityCode\":\"project\","
                + "\"entityIds\":[\"" + id + "\"],\"since\":42,\"filter\":{\"status\":\"open\"}}}");
        assertThat(client.next()).isEqualTo(json("{\"type\":\"SUBSCRIBED\",\"payload\":{\"count\":1}}"));
        StringBuilder manyFields = new StringBuilder("{\"type\":\"PING\"");
        for (int i = 0; i < 10_000; i++) {
            manyFields.append(",\"f").append(i).append("\":").append(i);
        }
        client.send(manyFields.append('}').toString());
        assertThat(client.next()).isEqualTo(json("{\"type\":\"PONG\"}"));
        client.send("{\"type\":\"PING\",\"pad\":\"" + "x".repeat(MAX - 100) + "\"}"); // a long string just under the limit
        assertThat(client.next()).isEqualTo(json("{\"type\":\"PONG\"}"));
    }

    @Test
    void a_number_longer_than_jacksons_limit_is_invalid_json() {
        TestClient client = client();
        client.send("{\"type\":\"PING\",\"n\":" + "9".repeat(1_001) + "}");
        client.expectError("INVALID_JSON");
        client.send("{\"type\":\"PING\",\"n\":" + "9".repeat(1_000) + "}");
        assertThat(client.next()).isEqualTo(json("{\"type\":\"PONG\"}"));
    }

    @Test
    void sql_in_entity_codes_and_ids_is_refused_as_malformed_and_never_echoed() {
        dev.rtsync.domain.UserId user = ServerFixture.newUser();
        TestClient client = fixture.connect(user);
        clients.add(client);
        String id = UUID.randomUUID().toString();
        List<String[]> cases = List.of(
                new String[] {subscribe(SQL, List.of(id)), "INVALID_ENTITY_CODE"},
                new String[] {subscribe("project", List.of(id + "' OR '1'='1")), "INVALID_ENTITY_ID"},
                new String[] {subscribe("project", List.of("'); DELETE FROM app.rxdb_subscription; --")), "INVALID_ENTITY_ID"},
                new String[] {"{\"type\":\"UNSUBSCRIBE\",\"payload\":{\"entityCode\":\"" + SQL + "\"}}", "INVALID_ENTITY_CODE"},
                new String[] {"{\"type\":\"UNSUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"1 OR 1=1\"]}}", "INVALID_ENTITY_ID"},
                new String[] {subscribe("project\\u0000", List.of(id)), "INVALID_ENTITY_CODE"},
                new String[] {subscribe("drop_table_app_logging", List.of(id)), "UNKNOWN_ENTITY_CODE"});
        for (String[] frame : cases) {
            client.send(frame[0]);
            JsonNode error = client.expectError(frame[1]);
            assertThat(error.toString()).doesNotContain("DROP").doesNotContain("DELETE").doesNotContain("OR 1");
        }
        client.assertAlive();
        assertThat(fixture.rtsync.registry.all()).filteredOn(connection -> connection.user().equals(user))
                .singleElement().satisfies(connection -> assertThat(connection.subscriptionCount()).isZero());
    }

    @Test
    void a_text_frame_that_is_not_utf8_is_closed_by_jetty_with_1007() throws IOException {
        try (RawSocket raw = RawSocket.connect(fixture.server.port(), fixture.tokenFor(ServerFixture.newUser()))) {
            raw.sendFrame(0x1, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
            assertThat(raw.readCloseCode()).isEqualTo(1007);
        }
    }

    @Test
    void a_frame_with_a_reserved_opcode_is_closed_by_jetty_with_1002() throws IOException {
        try (RawSocket raw = RawSocket.connect(fixture.server.port(), fixture.tokenFor(ServerFixture.newUser()))) {
            raw.sendFrame(0x3, new byte[] {1, 2, 3});
            assertThat(raw.readCloseCode()).isEqualTo(1002);
        }
    }

    @Test
    void an_unmasked_client_frame_is_closed_by_jetty_with_1002() throws IOException {
        try (RawSocket raw = RawSocket.connect(fixture.server.port(), fixture.tokenFor(ServerFixture.newUser()))) {
            raw.out.write(new byte[] {(byte) 0x81, 2, '{', '}'});
            raw.out.flush();
            assertThat(raw.readCloseCode()).isEqualTo(1002);
        }
    }
}
