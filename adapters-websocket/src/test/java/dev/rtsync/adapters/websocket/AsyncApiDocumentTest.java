package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
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
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/asyncapi.yaml and the code in step: the message types the document lists are those
 * the decoder reads and the encoder writes, its error and close codes are the code's, and every
 * golden file, every example of the document and every message the encoder writes validates
 * against the JSON Schema of its message (checked by a real validator, as a client's would be).
 */
class AsyncApiDocumentTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");
    /** Where the validator finds the document, so that the schemas' {@code $ref}s resolve inside it. */
    private static final String DOCUMENT_URI = "https://rtsync.dev/docs/asyncapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode ROOT = readDocument();
    /**
     * AsyncAPI's default schema format is a superset of JSON Schema draft 7. The validator sees the
     * whole document, whose AsyncAPI fields (info, channels…) are no schema keywords: it ignores
     * them quietly, and {@link #the_schemas_use_only_json_schema_keywords} catches a misspelt keyword.
     */
    private static final Dialect ASYNCAPI_SCHEMA = Dialect.builder(Dialects.getDraft7())
            .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
            .build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(ASYNCAPI_SCHEMA,
            builder -> builder.schemas(Map.of(DOCUMENT_URI, ROOT.toString())));
    private static final Set<String> SCHEMA_KEYWORDS = Set.of("$ref", "type", "const", "enum", "required", "properties",
            "additionalProperties", "items", "minItems", "maxItems", "minimum", "maximum", "minLength", "maxLength",
            "pattern", "description", "title", "examples", "oneOf", "anyOf", "allOf", "not");

    private final ServerMessageEncoder encoder = new ServerMessageEncoder();
    private final ClientMessageDecoder decoder = new ClientMessageDecoder();

    @Test
    void the_document_is_asyncapi_3_with_one_channel_and_an_operation_each_way() {
        assertThat(ROOT.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(ROOT.path("channels").size()).isEqualTo(1);
        assertThat(actionsOfOperations()).containsExactlyInAnyOrder("receive", "send");
    }

    @Test
    void the_client_messages_documented_are_those_the_decoder_reads() {
        Set<String> inCode = Arrays.stream(ClientMessage.class.getPermittedSubclasses())
                .map(AsyncApiDocumentTest::wireName)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(messageTypes("receive"))
                .as("client message types in docs/asyncapi.yaml (actual) and the TYPEs of ClientMessage's records (expected)")
                .isEqualTo(inCode);
        inCode.forEach(type -> {
            if (decoder.decode("{\"type\":\"" + type + "\"}") instanceof ClientMessageDecoder.Decoded.Invalid invalid) {
                assertThat(invalid.code()).as("the decoder reads %s", type).isNotEqualTo(ErrorCode.UNKNOWN_TYPE);
            }
        });
    }

    @Test
    void the_server_messages_documented_are_those_the_encoder_writes() {
        assertThat(messageTypes("send"))
                .as("server message types in docs/asyncapi.yaml (actual) and those the encoder writes (expected)")
                .isEqualTo(encodedSamples().keySet());
    }

    @Test
    void every_server_message_the_encoder_writes_validates_against_its_schema() {
        encodedSamples().forEach((type, encoded) ->
                assertThat(errors(type, encoded)).as("%s as encoded: %s", type, encoded).isEmpty());
    }

    @Test
    void the_error_codes_documented_are_the_error_code_enum() {
        Set<String> documented = texts(ROOT.at("/components/schemas/ErrorCode/enum"));
        Set<String> inCode = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());
        assertThat(documented).isEqualTo(inCode);
        assertThat(resolve(payloadSchema("ERROR").at("/properties/payload/properties/code")).path("enum"))
                .as("the ERROR schema's code").isEqualTo(ROOT.at("/components/schemas/ErrorCode/enum"));
    }

    @Test
    void the_close_codes_documented_are_the_close_code_enum() {
        Map<Integer, String> documented = new HashMap<>();
        channel().path("x-close-codes").forEach(code -> documented.put(code.path("code").intValue(), code.path("name").asText()));
        Map<Integer, String> inCode = Arrays.stream(CloseCode.values()).collect(Collectors.toMap(CloseCode::code, Enum::name));
        assertThat(documented).isEqualTo(inCode);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void every_golden_file_validates_against_the_schema_of_its_message(String golden) throws IOException {
        JsonNode message = JSON.readTree(goldenDirectory().resolve(golden).toFile());
        String type = message.path("type").asText();

        assertThat(messageTypes("receive", "send")).as("%s's type is documented", golden).contains(type);
        assertThat(errors(type, message)).as(golden).isEmpty();
    }

    @Test
    void every_example_in_the_document_validates_against_its_message() {
        for (String type : messageTypes("receive", "send")) {
            JsonNode examples = message(type).path("examples");
            assertThat(examples).as("%s has an example", type).isNotEmpty();
            examples.forEach(example -> assertThat(errors(type, example.path("payload")))
                    .as("%s example %s", type, example.path("name").asText()).isEmpty());
        }
    }

    @Test
    void the_schemas_refuse_what_the_decoder_refuses() {
        assertThat(errors("SUBSCRIBE", json("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\"}}"))).isNotEmpty();
        assertThat(errors("SUBSCRIBE", json("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"Project\",\"entityIds\":[]}}"))).isNotEmpty();
        assertThat(errors("SUBSCRIBE", json("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"42\"]}}"))).isNotEmpty();
        assertThat(errors("TOKEN_REFRESH", json("{\"type\":\"TOKEN_REFRESH\",\"payload\":{\"token\":\" \"}}"))).isNotEmpty();
        assertThat(errors("PONG", json("{\"type\":\"PONG\",\"payload\":{}}"))).isNotEmpty();
        assertThat(errors("ERROR", json("{\"type\":\"ERROR\",\"payload\":{\"message\":\"x\",\"code\":\"NOPE\"}}"))).isNotEmpty();
    }

    @Test
    void the_schemas_use_only_json_schema_keywords() {
        ROOT.path("components").path("messages").forEach(message -> assertKeywords(message.path("payload"), "payload"));
        ROOT.path("components").path("schemas").forEach(schema -> assertKeywords(schema, "components/schemas"));
    }

    private static void assertKeywords(JsonNode schema, String where) {
        streamOf(schema.fieldNames()).forEach(keyword ->
                assertThat(SCHEMA_KEYWORDS).as("keyword %s in %s", keyword, where).contains(keyword));
        schema.path("properties").properties().forEach(property ->
                assertKeywords(property.getValue(), where + "/" + property.getKey()));
        if (schema.path("items").isObject()) {
            assertKeywords(schema.path("items"), where + "/items");
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            schema.path(combinator).forEach(branch -> assertKeywords(branch, where + "/" + combinator));
        }
    }

    static Stream<String> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(goldenDirectory())) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".json")).sorted().toList().stream();
        }
    }

    /**
     * One instance of every server message, encoded, by the {@code type} the encoder wrote. A new
     * {@link ServerMessage} fails here until it has a sample.
     */
    private Map<String, JsonNode> encodedSamples() {
        EntityCode project = EntityCode.of("project");
        EntityId id = EntityId.parse("550e8400-e29b-41d4-a716-446655440001");
        List<ServerMessage> samples = List.of(
                new ServerMessage.Invalidate(new ChangeBatch(project, List.of(new Change(project, id, WireAction.DELETE, 7))),
                        Instant.parse("2025-11-27T10:30:00.123456Z")),
                new ServerMessage.Subscribed(0),
                new ServerMessage.TypeSubscribed(EntityCode.of("task")),
                new ServerMessage.Pong(),
                new ServerMessage.TokenExpiringSoon(1),
                ServerMessage.ErrorMessage.of(ErrorCode.RATE_LIMITED),
                new ServerMessage.StatusReport(new ConnectionId("conn-1"), 0, 0));
        assertThat(samples.stream().map(Object::getClass).collect(Collectors.toSet()))
                .as("one sample of every ServerMessage")
                .isEqualTo(Set.of(ServerMessage.class.getPermittedSubclasses()));
        Map<String, JsonNode> encoded = new LinkedHashMap<>();
        samples.forEach(sample -> {
            JsonNode tree = json(encoder.encode(sample));
            encoded.put(tree.path("type").asText(), tree);
        });
        return encoded;
    }

    private static String wireName(Class<?> clientMessage) {
        try {
            return (String) clientMessage.getDeclaredField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(clientMessage.getSimpleName() + " needs a static final String TYPE: its wire name", e);
        }
    }

    /** The schema errors of a whole message (the frame) against the payload schema of its type's message. */
    private static List<Error> errors(String type, JsonNode message) {
        String pointer = "#/components/messages/" + componentName(type) + "/payload";
        Schema schema = SCHEMAS.getSchema("{\"$ref\":\"" + DOCUMENT_URI + pointer + "\"}");
        return schema.validate(message);
    }

    /** The wire types of the messages of the operations with these actions ("receive": the client's). */
    private static Set<String> messageTypes(String... actions) {
        Set<String> wanted = Set.of(actions);
        Set<String> types = new TreeSet<>();
        ROOT.path("operations").forEach(operation -> {
            if (wanted.contains(operation.path("action").asText())) {
                operation.path("messages").forEach(ref -> types.add(typeOf(resolve(ref))));
            }
        });
        return types;
    }

    /** A message's wire type is the {@code const} of its payload's {@code type}; its name says the same. */
    private static String typeOf(JsonNode message) {
        String type = message.at("/payload/properties/type/const").asText();
        assertThat(message.path("name").asText()).as("name of the message of type %s", type).isEqualTo(type);
        return type;
    }

    private static String componentName(String type) {
        return streamOf(ROOT.path("components").path("messages").fieldNames())
                .filter(name -> typeOf(ROOT.path("components").path("messages").path(name)).equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no message of type " + type + " in " + DOCUMENT));
    }

    private static JsonNode message(String type) {
        return ROOT.path("components").path("messages").path(componentName(type));
    }

    private static JsonNode payloadSchema(String type) {
        return message(type).path("payload");
    }

    private static JsonNode channel() {
        return ROOT.path("channels").elements().next();
    }

    private static Set<String> actionsOfOperations() {
        Set<String> actions = new TreeSet<>();
        ROOT.path("operations").forEach(operation -> actions.add(operation.path("action").asText()));
        return actions;
    }

    /** Follows local {@code $ref}s ({@code #/a/b}) until a node without one. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            assertThat(ref).as("a local reference").startsWith("#/");
            current = ROOT.at(ref.substring(1));
            assertThat(current.isMissingNode()).as("%s resolves", ref).isFalse();
        }
        return current;
    }

    private static Set<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).collect(Collectors.toSet());
    }

    private static <T> Stream<T> streamOf(java.util.Iterator<T> iterator) {
        Iterable<T> iterable = () -> iterator;
        return StreamSupport.stream(iterable.spliterator(), false);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readDocument() {
        try {
            return new YAMLMapper().readTree(DOCUMENT.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DOCUMENT.toAbsolutePath(), e);
        }
    }

    private static Path goldenDirectory() {
        try {
            return Path.of(AsyncApiDocumentTest.class.getResource("/golden/ping.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
