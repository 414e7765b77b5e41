package dev.rtsync.bootstrap.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of a running instance, through the real wiring: the metrics move when a
 * browser connects, subscribes and receives a change, and the probes answer as Kubernetes expects.
 */
class OperationsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);

    @RegisterExtension
    final RunningInstance rtsync = new RunningInstance(DB, "e2e-operations");
    private final UUID alice = UUID.randomUUID();

    @Test
    void the_metrics_are_on_the_management_port_and_not_on_the_browsers_port() throws Exception {
        assertThat(rtsync.managementPort()).isNotEqualTo(rtsync.port());
        assertThat(get(rtsync.port(), "/metrics").statusCode()).isEqualTo(404);
        assertThat(get(rtsync.managementPort(), "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void the_metrics_move_when_a_browser_subscribes_and_receives_a_committed_change() {
        UUID project = api.createProject(alice, "watched");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.logRowsWithStatus("pending") == 0);
        Map<String, Double> before = scrape();
        assertThat(before).containsEntry("rtsync_connections", 0.0).containsEntry("rtsync_subscriptions", 0.0);

        try (Browser tab = rtsync.openTab(alice)) {
            tab.subscribe("project", List.of(project));
            api.renameProject(alice, project, "renamed");
            tab.next("INVALIDATE");

            Map<String, Double> after = awaitScrape(page -> moved(before, page, "rtsync_changes_delivered_total") >= 1);
            assertThat(after).containsEntry("rtsync_connections", 1.0)
                    .containsEntry("rtsync_users", 1.0)
                    .containsEntry("rtsync_subscriptions", 1.0);
            assertThat(moved(before, after, "rtsync_messages_received_total{type=\"SUBSCRIBE\"}")).isEqualTo(1);
            assertThat(moved(before, after, "rtsync_messages_sent_total{type=\"SUBSCRIBED\"}")).isEqualTo(1);
            assertThat(moved(before, after, "rtsync_messages_sent_total{type=\"INVALIDATE\"}")).isEqualTo(1);
            assertThat(moved(before, after, "rtsync_changes_delivered_total")).isEqualTo(1);
            assertThat(moved(before, after, "rtsync_delivery_lag_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(moved(before, after, "rtsync_log_read_rows_count")).isGreaterThanOrEqualTo(1);
            assertThat(moved(before, after, "rtsync_wakeups_total{cause=\"notified\"}")).isGreaterThanOrEqualTo(1);
            assertThat(after.get("rtsync_delivery_lag_seconds_sum")).isLessThan(10.0);
            assertThat(after).containsEntry("rtsync_db_pool_connections_max", 10.0)
                    .containsKey("rtsync_db_pool_connections{state=\"active\"}");
            assertThat(after.keySet()).anyMatch(series -> series.startsWith("jetty_threads_"))
                    .anyMatch(series -> series.startsWith("jetty_connections_"))
                    .anyMatch(series -> series.startsWith("jvm_memory_used_bytes"));

            tab.send("{\"type\":\"NOPE\"}");
            tab.next("ERROR");
            assertThat(moved(before, awaitScrape(page -> moved(before, page, "rtsync_errors_total{code=\"UNKNOWN_TYPE\"}") == 1),
                    "rtsync_messages_received_total{type=\"UNREADABLE\"}")).isEqualTo(1);
        }
        assertThat(awaitScrape(page -> page.get("rtsync_connections") == 0.0)).containsEntry("rtsync_subscriptions", 0.0);
    }

    @Test
    void the_probes_answer_and_health_keeps_the_designs_body() throws Exception {
        HttpResponse<String> live = get("/health/live");
        HttpResponse<String> ready = get("/health/ready");
        HttpResponse<String> health = get("/health");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body())).isEqualTo(JSON.readTree("{\"status\":\"ok\"}"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body())).isEqualTo(JSON.readTree("{\"status\":\"ok\"}"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body())).isEqualTo(
                JSON.readTree("{\"status\":\"ok\",\"connections\":{\"connections\":0,\"users\":0}}"));
    }

    private static double moved(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(after).as("series on the page").containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }

    private Map<String, Double> awaitScrape(java.util.function.Predicate<Map<String, Double>> condition) {
        return await().atMost(Duration.ofSeconds(10)).until(this::scrape, condition);
    }

    private Map<String, Double> scrape() {
        try {
            HttpResponse<String> response = get(rtsync.managementPort(), "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            return PrometheusText.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError("scraping /metrics failed", e);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(rtsync.port(), path);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Browser.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
