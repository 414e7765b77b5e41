package dev.rtsync.adapters.websocket;

import dev.rtsync.adapters.websocket.ClientMessageDecoder.Decoded;
import dev.rtsync.adapters.websocket.FuzzFrames.Verdict;
import dev.rtsync.application.message.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the decoder over generated frames (seeded {@link java.util.Random}, not jqwik: see
 * docs/reliability.md). Each property holds for every case: the decoder agrees with the protocol's
 * verdict written from docs/protocol.md ({@link FuzzFrames#verdictOn}), never throws, and never
 * repeats the frame in its error message. A failure names the base seed and the case; rerun with
 * {@code -Drtsync.fuzz.seed=<seed>} to replay it, or with another seed to explore.
 */
class ClientMessageDecoderPropertyTest {

    private static final int CASES = Integer.getInteger("rtsync.fuzz.cases", 20_000);

    private final ClientMessageDecoder decoder = new ClientMessageDecoder();

    @Test
    void arbitrary_json_values_get_the_protocols_verdict() {
        assertThat(forAllCases(fuzz -> fuzz.serialize(fuzz.arbitraryValue(4))).keySet())
                .as("the generator reaches these verdicts").contains("INVALID_PAYLOAD", "UNKNOWN_TYPE");
    }

    @Test
    void near_valid_messages_with_missing_mistyped_and_hostile_fields_get_the_protocols_verdict() {
        assertThat(forAllCases(fuzz -> fuzz.serialize(fuzz.nearValidMessage())).keySet())
                .as("the generator reaches every verdict the decoder can give")
                .contains("Subscribe", "Unsubscribe", "UnsubscribeAll", "Ping", "TokenRefresh", "UNKNOWN_TYPE",
                        "INVALID_PAYLOAD", "INVALID_ENTITY_CODE", "INVALID_ENTITY_ID");
    }

    @Test
    void mutated_valid_messages_get_the_protocols_verdict() {
        assertThat(forAllCases(fuzz -> fuzz.mutate(fuzz.serialize(fuzz.validMessage(true)))).keySet())
                .as("mutations break and keep messages").contains("INVALID_JSON", "Ping", "Subscribe");
    }

    @Test
    void mutated_near_valid_messages_get_the_protocols_verdict() {
        assertThat(forAllCases(fuzz -> fuzz.mutate(fuzz.serialize(fuzz.nearValidMessage()))).keySet())
                .contains("INVALID_JSON", "INVALID_PAYLOAD");
    }

    @Test
    void valid_messages_decode_to_exactly_what_they_say() {
        forAllCases(fuzz -> fuzz.serialize(fuzz.validMessage(true)), verdict -> assertThat(verdict).isInstanceOf(Verdict.Accept.class));
    }

    @ParameterizedTest(name = "{0} levels")
    @ValueSource(ints = {1_001, 10_000, 100_000})
    void json_nested_deeper_than_jacksons_limit_is_invalid_json_not_a_stack_overflow(int depth) {
        String nested = "{\"type\":\"PING\",\"payload\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertThat(decoder.decode(nested)).isEqualTo(new Decoded.Invalid(ErrorCode.INVALID_JSON, "Message is not valid JSON"));
        String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        assertThat(decoder.decode(objects)).isEqualTo(new Decoded.Invalid(ErrorCode.INVALID_JSON, "Message is not valid JSON"));
    }

    @Test
    void json_nested_within_jacksons_limit_is_accepted() {
        // 999 arrays inside the message object: 1,000 levels, Jackson's default maximum.
        String nested = "{\"type\":\"PING\",\"payload\":" + "[".repeat(999) + "]".repeat(999) + "}";
        assertThat(decoder.decode(nested)).isEqualTo(new Decoded.Message(new ClientMessage.Ping()));
    }

    private Map<String, Integer> forAllCases(Function<FuzzFrames, String> generator) {
        return forAllCases(generator, verdict -> {
        });
    }

    /** Checks every case and returns how often each verdict came up (a message type or an error code). */
    private Map<String, Integer> forAllCases(Function<FuzzFrames, String> generator, Consumer<Verdict> extra) {
        Map<String, Integer> tally = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            String frame = generator.apply(FuzzFrames.forCase(FuzzFrames.BASE_SEED, i));
            String replay = "seed " + FuzzFrames.BASE_SEED + " case " + i + " (replay: -Drtsync.fuzz.seed="
                    + FuzzFrames.BASE_SEED + "), frame: " + frame;
            Decoded decoded;
            try {
                decoded = decoder.decode(frame);
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("the decoder threw on " + replay, e);
            }
            Verdict verdict = FuzzFrames.verdictOn(frame);
            extra.accept(verdict);
            tally.merge(switch (verdict) {
                case Verdict.Accept accept -> accept.message().getClass().getSimpleName();
                case Verdict.Error error -> error.code().name();
            }, 1, Integer::sum);
            switch (verdict) {
                case Verdict.Accept accept -> assertThat(decoded).as(replay).isEqualTo(new Decoded.Message(accept.message()));
                case Verdict.Error error -> assertThat(decoded).as(replay).isInstanceOfSatisfying(Decoded.Invalid.class, invalid -> {
                    assertThat(invalid.code()).as(replay).isEqualTo(error.code());
                    assertThat(invalid.message()).as(replay).hasSizeLessThan(300);
                    if (frame.length() >= 40) {
                        assertThat(invalid.message()).as(replay).doesNotContain(frame);
                    }
                });
            }
        }
        System.out.println("verdicts over " + CASES + " cases: " + tally);
        return tally;
    }
}
