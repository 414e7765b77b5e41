package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage;
import dev.rtsync.domain.Change;
import dev.rtsync.domain.ChangeBatch;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.WireAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One golden file per sample payload of the design's section 9, held against the production code
 * in the direction the server uses it: the {@link ClientMessageDecoder} reads each client sample as
 * exactly its record, and the {@link ServerMessageEncoder} writes each server record as exactly its
 * sample (compared as trees, so spacing and field order do not matter, but every name, value and
 * JSON type does). The other directions, a client writing requests and reading answers, are the
 * browser client's, and its tests hold it against the same files (clients/typescript/test/protocol.test.ts).
 */
class WireFormatGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final EntityId ID_1 = EntityId.parse("550e8400-e29b-41d4-a716-446655440001");
    private static final EntityId ID_2 = EntityId.parse("550e8400-e29b-41d4-a716-446655440002");
    private static final EntityId ID_3 = EntityId.parse("550e8400-e29b-41d4-a716-446655440003");

    private final ClientMessageDecoder decoder = new ClientMessageDecoder();
    private final ServerMessageEncoder encoder = new ServerMessageEncoder();

    static Stream<Arguments> clientMessages() {
        return Stream.of(
                Arguments.of("subscribe.json", new ClientMessage.Subscribe(PROJECT, List.of(ID_1, ID_2, ID_3))),
                Arguments.of("unsubscribe.json", new ClientMessage.Unsubscribe(PROJECT, Optional.of(List.of(ID_1)))),
                Arguments.of("unsubscribe-entity-code.json", new ClientMessage.Unsubscribe(PROJECT, Optional.empty())),
                Arguments.of("unsubscribe-all.json", new ClientMessage.UnsubscribeAll()),
                Arguments.of("ping.json", new ClientMessage.Ping()),
                Arguments.of("token-refresh.json", new ClientMessage.TokenRefresh("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...")),
                Arguments.of("status.json", new ClientMessage.Status()),
                Arguments.of("subscribe-type.json", new ClientMessage.SubscribeType(EntityCode.of("task"))),
                Arguments.of("unsubscribe-type.json", new ClientMessage.UnsubscribeType(EntityCode.of("task"))));
    }

    static Stream<Arguments> serverMessages() {
        return Stream.of(
                Arguments.of("subscribed.json", new ServerMessage.Subscribed(3)),
                Arguments.of("type-subscribed.json", new ServerMessage.TypeSubscribed(EntityCode.of("task"))),
                Arguments.of("invalidate.json", new ServerMessage.Invalidate(
                        new ChangeBatch(PROJECT, List.of(new Change(PROJECT, ID_1, WireAction.UPDATE, 42))),
                        Instant.parse("2025-11-27T10:30:00Z"))),
                Arguments.of("pong.json", new ServerMessage.Pong()),
                Arguments.of("token-expiring-soon.json", new ServerMessage.TokenExpiringSoon(300)),
                Arguments.of("error.json", new ServerMessage.ErrorMessage(ErrorCode.AUTH_FAILED, "Invalid token")),
                Arguments.of("error-over-budget.json", new ServerMessage.ErrorMessage(ErrorCode.OVER_BUDGET,
                        "At most 20 SUBSCRIBE, UNSUBSCRIBE, UNSUBSCRIBE_ALL and TOKEN_REFRESH per second per user,"
                                + " across its connections; this one was dropped")),
                Arguments.of("status-report.json", new ServerMessage.StatusReport(
                        new ConnectionId("6f1c2a4e-9b7d-4c3e-8a52-1d0e7f3b9c21"), 3, 1742)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientMessages")
    void the_decoder_reads_each_client_sample_as_its_record(String golden, ClientMessage expected) throws IOException {
        assertThat(decoder.decode(read(golden))).isEqualTo(new ClientMessageDecoder.Decoded.Message(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverMessages")
    void the_encoder_writes_each_server_record_as_its_sample(String golden, ServerMessage message) throws IOException {
        assertThat(JSON.readTree(encoder.encode(message))).isEqualTo(JSON.readTree(read(golden)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverMessages")
    void pong_has_no_payload_and_every_other_server_message_has_one(String golden, ServerMessage message) throws IOException {
        JsonNode encoded = JSON.readTree(encoder.encode(message));
        assertThat(encoded.has("payload")).isEqualTo(!(message instanceof ServerMessage.Pong));
    }

    @Test
    void every_golden_file_is_checked_against_the_code() throws IOException {
        Set<String> checked = new TreeSet<>();
        Stream.concat(clientMessages(), serverMessages()).forEach(sample -> checked.add((String) sample.get()[0]));
        Set<String> files;
        // The source folder, not target/test-classes, where a deleted file would linger until a clean.
        try (Stream<Path> listing = Files.list(Path.of("src/test/resources/golden"))) {
            files = listing.map(file -> file.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(checked).as("a golden file no sample list names is checked by nothing here").isEqualTo(files);
    }

    @Test
    void timestamps_are_utc_with_milliseconds() {
        assertThat(ServerMessageEncoder.timestamp(Instant.parse("2025-11-27T10:30:00Z"))).isEqualTo("2025-11-27T10:30:00.000Z");
        assertThat(ServerMessageEncoder.timestamp(Instant.parse("2025-11-27T10:30:00.123456Z"))).isEqualTo("2025-11-27T10:30:00.123Z");
    }

    private static String read(String golden) throws IOException {
        try (InputStream in = WireFormatGoldenTest.class.getResourceAsStream("/golden/" + golden)) {
            assertThat(in).as(golden).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
