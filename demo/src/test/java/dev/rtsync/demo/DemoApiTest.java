package dev.rtsync.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rtsync.adapters.jwt.HmacTokenIssuer;
import dev.rtsync.adapters.jwt.NimbusTokenVerifier;
import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's REST API over real HTTP against a real PostgreSQL, with the real token verifier. */
class DemoApiTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();

    private static final byte[] SECRET = "a-test-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final HmacTokenIssuer issuer = new HmacTokenIssuer(SECRET, Clock.systemUTC());
    private final String alice = issuer.issue(DemoUsers.ALICE.id(), Duration.ofHours(1));
    private final String bob = issuer.issue(DemoUsers.BOB.id(), Duration.ofHours(1));
    private DemoApi api;

    /** A response: its status, headers and body as JSON (null when empty). */
    private record Reply(int status, HttpResponse<String> raw, JsonNode body) {
        String error() {
            return body.path("error").asText();
        }
    }

    @BeforeEach
    void start() {
        api = new DemoApi("127.0.0.1", 0, new EntityRepository(DB.database().jdbi()),
                new NimbusTokenVerifier(SECRET, Duration.ofSeconds(5), Clock.systemUTC()),
                new DemoUsers(issuer), 4001).start();
    }

    @AfterEach
    void stop() {
        api.stop();
    }

    private Reply send(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            return new Reply(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String createProject(String name) {
        Reply created = send("POST", "/api/v1/project", alice, "{\"name\":\"" + name + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.body().path("id").asText();
    }

    /** Who the change log says made each change, oldest first, as (entity code, action, person). */
    private List<String> loggedChanges() {
        return DB.database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT entity_code || ' ' || action || ' ' || coalesce(person_id::text, 'nobody') FROM app.logging ORDER BY seq")
                .mapTo(String.class).list());
    }

    @Test
    void a_project_is_created_read_changed_and_deleted_and_each_write_is_logged_as_its_user() {
        Reply created = send("POST", "/api/v1/project", alice, "{\"name\":\" Apollo \",\"dueDate\":\"1969-07-20\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().path("id").asText();
        assertThat(created.raw().headers().firstValue("Location")).contains("/api/v1/project/" + id);
        assertThat(created.body().path("name").asText()).isEqualTo("Apollo");
        assertThat(created.body().path("status").asText()).isEqualTo("active");
        assertThat(created.body().path("dueDate").asText()).isEqualTo("1969-07-20");

        Reply changed = send("PATCH", "/api/v1/project/" + id, bob, "{\"name\":\"Apollo 11\",\"dueDate\":null}");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().path("name").asText()).isEqualTo("Apollo 11");
        assertThat(changed.body().path("dueDate").isNull()).isTrue();
        assertThat(send("GET", "/api/v1/project/" + id, alice, null).body().path("name").asText()).isEqualTo("Apollo 11");

        assertThat(send("DELETE", "/api/v1/project/" + id, alice, null).status()).isEqualTo(204);
        assertThat(send("GET", "/api/v1/project/" + id, alice, null).status()).isEqualTo(404);
        assertThat(loggedChanges()).containsExactly(
                "project 4 " + DemoUsers.ALICE.id(),
                "project 1 " + DemoUsers.BOB.id(),
                "project 3 " + DemoUsers.ALICE.id());
    }

    @Test
    void the_user_id_set_for_a_write_ends_with_its_transaction() {
        createProject("Apollo");

        String leftOver = DB.database().jdbi().withHandle(handle ->
                handle.createQuery("SELECT current_setting('app.current_user_id', true)").mapTo(String.class).one());

        assertThat(leftOver).isNullOrEmpty();
    }

    @Test
    void the_tasks_of_a_project_are_listed_by_filter_and_go_with_their_project() {
        String apollo = createProject("Apollo");
        String gemini = createProject("Gemini");
        for (String name : List.of("Build the rocket", "Train the crew")) {
            assertThat(send("POST", "/api/v1/task", alice, "{\"name\":\"" + name + "\",\"projectId\":\"" + apollo + "\",\"priority\":2}")
                    .status()).isEqualTo(201);
        }
        send("POST", "/api/v1/task", alice, "{\"name\":\"Dock\",\"projectId\":\"" + gemini + "\"}");

        Reply apolloTasks = send("GET", "/api/v1/task?projectId=" + apollo, bob, null);
        assertThat(apolloTasks.status()).isEqualTo(200);
        assertThat(apolloTasks.body()).extracting(task -> task.path("name").asText())
                .containsExactly("Build the rocket", "Train the crew");
        assertThat(send("GET", "/api/v1/task?projectId=" + apollo + "&limit=1", bob, null).body()).hasSize(1);

        send("DELETE", "/api/v1/project/" + apollo, alice, null);

        assertThat(send("GET", "/api/v1/task?projectId=" + apollo, bob, null).body()).isEmpty();
        assertThat(send("GET", "/api/v1/task", bob, null).body()).hasSize(1);
    }

    @Test
    void a_client_may_choose_the_id_of_what_it_creates_once() {
        String id = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + id + "\",\"name\":\"Ada\",\"email\":\"ada@example.com\",\"active\":true}";

        assertThat(send("POST", "/api/v1/employee", alice, body).body().path("id").asText()).isEqualTo(id);

        Reply again = send("POST", "/api/v1/employee", alice, body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("A employee with id " + id + " exists already");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON|POST|{name:|The body is not valid JSON",
            "an array|POST|[]|The body must be a JSON object",
            "no name|POST|{\"description\":\"x\"}|\"name\" is required",
            "an empty name|POST|{\"name\":\"  \"}|\"name\" must not be empty",
            "a null name|PATCH|{\"name\":null}|\"name\" is required and may not be null",
            "a name too long|PATCH|{\"name\":\"" + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"
                    + "|\"name\" must be at most 200 characters; got 203",
            "an unknown field|PATCH|{\"owner\":\"x\"}|Unknown field \"owner\"; a project has name, description, status, dueDate",
            "a status not on the list|PATCH|{\"status\":\"lost\"}|\"status\" must be one of active, on_hold, done; got \"lost\"",
            "a bad date|PATCH|{\"dueDate\":\"20 July 1969\"}|\"dueDate\" must be a date as YYYY-MM-DD; got \"20 July 1969\"",
            "a number as name|PATCH|{\"name\":7}|\"name\" must be a string",
            "a server-set field|PATCH|{\"updatedTs\":\"2026-01-01T00:00:00Z\"}|\"updatedTs\" is set by the server and cannot be written",
            "nothing to change|PATCH|{}|The body names no field to change; a project has name, description, status, dueDate",
            "a new id|PATCH|{\"id\":\"550e8400-e29b-41d4-a716-446655440001\"}|\"id\" cannot change; it is in the path"})
    void a_bad_project_body_is_refused_with_400_naming_what_is_wrong_and_changes_nothing(String what, String method, String body, String error) {
        String id = createProject("Apollo");
        String path = method.equals("POST") ? "/api/v1/project" : "/api/v1/project/" + id;

        Reply reply = send(method, path, alice, body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo(error);
        assertThat(loggedChanges()).hasSize(1);
    }

    @Test
    void task_and_employee_fields_are_checked_too() {
        assertThat(send("POST", "/api/v1/task", alice, "{\"name\":\"x\",\"priority\":9}").error())
                .isEqualTo("\"priority\" must be a whole number from 0 to 5");
        assertThat(send("POST", "/api/v1/task", alice, "{\"name\":\"x\",\"projectId\":\"42\"}").error())
                .startsWith("\"projectId\" must be a UUID");
        String nowhere = UUID.randomUUID().toString();
        assertThat(send("POST", "/api/v1/task", alice, "{\"name\":\"x\",\"projectId\":\"" + nowhere + "\"}").error())
                .isEqualTo("\"projectId\" names no project: " + nowhere);
        assertThat(send("POST", "/api/v1/employee", alice, "{\"name\":\"x\",\"email\":\"nobody\"}").error())
                .isEqualTo("\"email\" must be an e-mail address such as ada@example.com");
        assertThat(send("POST", "/api/v1/employee", alice, "{\"name\":\"x\",\"active\":\"yes\"}").error())
                .isEqualTo("\"active\" must be true or false");
        assertThat(send("GET", "/api/v1/task?owner=me", alice, null).error())
                .isEqualTo("Unknown query parameter \"owner\"; a task list takes projectId, status and limit");
        assertThat(send("GET", "/api/v1/task?limit=5000", alice, null).error())
                .isEqualTo("\"limit\" must be a whole number from 1 to 1000");
    }

    @Test
    void an_unknown_id_is_404_for_every_method() {
        String unknown = "/api/v1/task/" + UUID.randomUUID();

        assertThat(send("GET", unknown, alice, null).status()).isEqualTo(404);
        assertThat(send("PATCH", unknown, alice, "{\"name\":\"x\"}").status()).isEqualTo(404);
        Reply deleted = send("DELETE", unknown, alice, null);
        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.error()).startsWith("No task ");
        assertThat(send("GET", "/api/v1/task/not-a-uuid", alice, null).error()).isEqualTo("No task not-a-uuid: ids are UUIDs");
        assertThat(loggedChanges()).isEmpty();
    }

    @Test
    void without_a_valid_token_every_entity_route_is_401() {
        String forged = new HmacTokenIssuer("another-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8), Clock.systemUTC())
                .issue(new UserId(UUID.randomUUID()), Duration.ofHours(1));

        Reply missing = send("GET", "/api/v1/project", null, null);
        Reply refused = send("POST", "/api/v1/project", forged, "{\"name\":\"x\"}");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(missing.error()).isEqualTo("Missing bearer token: send Authorization: Bearer <JWT>");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("Invalid token: bad signature or no matching key");
        assertThat(loggedChanges()).isEmpty();
    }

    @Test
    void a_page_on_another_origin_may_call_the_api() throws Exception {
        HttpRequest preflight = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/project/" + UUID.randomUUID()))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "PATCH")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build();

        HttpResponse<String> response = http.send(preflight, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("PATCH"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(v -> assertThat(v).contains("authorization"));
    }

    @Test
    void the_demo_hands_out_tokens_of_its_two_users_and_says_where_rtsync_is() {
        Reply token = send("GET", "/api/v1/demo/token?user=bob", null, null);
        assertThat(token.body().path("userId").asText()).isEqualTo(DemoUsers.BOB.id().toString());
        assertThat(send("POST", "/api/v1/project", token.body().path("token").asText(), "{\"name\":\"Bob's\"}").status()).isEqualTo(201);
        assertThat(loggedChanges()).containsExactly("project 4 " + DemoUsers.BOB.id());

        assertThat(send("GET", "/api/v1/demo/token?user=mallory", null, null).error()).isEqualTo("\"user\" must be one of alice, bob");
        Reply config = send("GET", "/api/v1/demo/config", null, null);
        assertThat(config.body().path("rtsyncUrl").asText()).isEqualTo("ws://127.0.0.1:4001");
        assertThat(config.body().path("users")).extracting(user -> user.path("key").asText()).containsExactly("alice", "bob");
    }
}
