package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rtsync.adapters.websocket.ClientMessageDecoder.Decoded;
import dev.rtsync.adapters.websocket.FuzzFrames.Verdict;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder on its own: edge cases the golden files do not show, and many generated inputs (fixed
 * seeds, so a failure repeats), each checked for the exact message or error code the protocol gives.
 */
class ClientMessageDecoderTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final String ID = "550e8400-e29b-41d4-a716-446655440001";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientMessageDecoder decoder = new ClientMessageDecoder();

    @Test
    void the_leading_type_is_read_without_the_payload_and_only_when_it_comes_first() {
        assertThat(decoder.leadingType("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityIds\":[not json at all")).hasValue("SUBSCRIBE");
        assertThat(decoder.leadingType("{\"payload\":{},\"type\":\"SUBSCRIBE\"}")).isEmpty();
        assertThat(decoder.leadingType("{\"type\":7}")).isEmpty();
        assertThat(decoder.leadingType("[\"type\",\"SUBSCRIBE\"]")).isEmpty();
        assertThat(decoder.leadingType("not json")).isEmpty();
        assertThat(decoder.leadingType("")).isEmpty();
    }

    @Test
    void unsubscribe_with_null_ids_means_the_whole_entity_code() {
        assertThat(decoder.decode("{\"type\":\"UNSUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":null}}"))
                .isEqualTo(new Decoded.Message(new ClientMessage.Unsubscribe(PROJECT, Optional.empty())));
    }

    @Test
    void subscribe_with_null_ids_is_an_invalid_payload() {
        assertThat(decoder.decode("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":null}}"))
                .isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
    }

    @Test
    void upper_case_uuids_are_accepted() {
        assertThat(decoder.decode("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"" + ID.toUpperCase() + "\"]}}"))
                .isEqualTo(new Decoded.Message(new ClientMessage.Subscribe(PROJECT, List.of(EntityId.parse(ID)))));
    }

    @Test
    void a_payload_on_ping_is_ignored() {
        assertThat(decoder.decode("{\"type\":\"PING\",\"payload\":{\"anything\":[1]}}")).isEqualTo(new Decoded.Message(new ClientMessage.Ping()));
    }

    @Test
    void an_error_message_never_repeats_the_input() {
        String secretish = "eyJ-not-really-a-token-" + UUID.randomUUID();
        assertThat(decoder.decode("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"" + secretish + "\"]}}"))
                .isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> assertThat(invalid.message()).doesNotContain(secretish));
        assertThat(decoder.decode("{\"type\":\"" + secretish + "\"}"))
                .isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> assertThat(invalid.message()).doesNotContain(secretish));
    }

    @Test
    void any_text_gets_the_protocols_verdict_and_never_throws() {
        Random random = new Random(20251127);
        String alphabet = "{}[]\",:\\ntrufalse0123456789.-eE typePINGSUBSCRIBEpayloadentityIds\u00e9\ud83d\ude00";
        Map<String, Integer> verdicts = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            StringBuilder frame = new StringBuilder();
            int length = random.nextInt(60);
            for (int j = 0; j < length; j++) {
                frame.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            verdicts.merge(assertDecodedAsTheProtocolSays(frame.toString()), 1, Integer::sum);
        }
        assertThat(verdicts).as("the generator reaches these verdicts").containsKeys("INVALID_JSON");
    }

    @Test
    void any_json_object_with_a_type_decodes_to_the_message_it_says_or_the_payload_error_it_earns() {
        Random random = new Random(42);
        List<String> types = List.of("SUBSCRIBE", "UNSUBSCRIBE", "UNSUBSCRIBE_ALL", "PING", "TOKEN_REFRESH", "STATUS",
                "SUBSCRIBE_TYPE", "UNSUBSCRIBE_TYPE", "subscribe", "", "X");
        // Per field, values that pass and values that fail, so that every verdict comes up often.
        String id = "\"" + ID + "\"";
        Map<String, List<String>> fields = Map.of(
                "entityCode", List.of("\"project\"", "\"task\"", "\"Project\"", "1", "null", "{}"),
                "entityIds", List.of("[" + id + "]", "[" + id + ",\"" + UUID.randomUUID() + "\"]", "[]", "[\"x\"]", "[1]",
                        id, "null", "{}"),
                "token", List.of("\"eyJ.a.b\"", "\"\"", "1", "null"),
                "other", List.of("1", "[]", "{\"x\":null}"));
        Map<String, Integer> verdicts = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            StringBuilder payload = new StringBuilder("{");
            for (String name : new TreeMap<>(fields).keySet()) {
                if (random.nextInt(4) != 0) {
                    List<String> values = fields.get(name);
                    payload.append(payload.length() == 1 ? "" : ",").append('"').append(name).append("\":")
                            .append(values.get(random.nextInt(values.size())));
                }
            }
            String frame = "{\"type\":\"" + types.get(random.nextInt(types.size())) + "\",\"payload\":" + payload + "}}";
            verdicts.merge(assertDecodedAsTheProtocolSays(frame), 1, Integer::sum);
        }
        assertThat(verdicts).as("the generator reaches every message and every payload error").containsKeys(
                "Subscribe", "Unsubscribe", "UnsubscribeAll", "Ping", "TokenRefresh", "Status", "SubscribeType", "UnsubscribeType",
                "UNKNOWN_TYPE", "INVALID_PAYLOAD", "INVALID_ENTITY_CODE", "INVALID_ENTITY_ID");
    }

    @Test
    void every_valid_subscribe_survives_encoding_and_decoding() {
        Random random = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            StringBuilder code = new StringBuilder().append((char) ('a' + random.nextInt(26)));
            int length = random.nextInt(EntityCode.MAX_LENGTH);
            for (int j = 0; j < length; j++) {
                code.append("abcdefghijklmnopqrstuvwxyz0123456789_".charAt(random.nextInt(37)));
            }
            List<EntityId> ids = new ArrayList<>();
            for (int j = random.nextInt(20); j > 0; j--) {
                ids.add(new EntityId(new UUID(random.nextLong(), random.nextLong())));
            }
            ClientMessage.Subscribe message = new ClientMessage.Subscribe(EntityCode.of(code.toString()), ids);
            String json = subscribeFrame(message);
            assertThat(decoder.decode(json)).as(json).isEqualTo(new Decoded.Message(message));
        }
    }

    /**
     * Decodes the frame and checks the result equals the verdict written from docs/protocol.md
     * ({@link FuzzFrames#verdictOn}): the same message with the same values, or the same error code.
     * Returns the verdict's name, so a test can show which verdicts its inputs reached.
     */
    private String assertDecodedAsTheProtocolSays(String frame) {
        Decoded decoded = decoder.decode(frame);
        return switch (FuzzFrames.verdictOn(frame)) {
            case Verdict.Accept accept -> {
                assertThat(decoded).as(frame).isEqualTo(new Decoded.Message(accept.message()));
                yield accept.message().getClass().getSimpleName();
            }
            case Verdict.Error error -> {
                assertThat(decoded).as(frame).isInstanceOfSatisfying(Decoded.Invalid.class,
                        invalid -> assertThat(invalid.code()).as(frame).isEqualTo(error.code()));
                yield error.code().name();
            }
        };
    }

    /** A SUBSCRIBE as a client writes it. */
    private static String subscribeFrame(ClientMessage.Subscribe subscribe) {
        ObjectNode root = JSON.createObjectNode().put("type", ClientMessage.Subscribe.TYPE);
        ArrayNode ids = root.putObject("payload").put("entityCode", subscribe.entityCode().value()).putArray("entityIds");
        subscribe.entityIds().forEach(id -> ids.add(id.toString()));
        return root.toString();
    }
}
