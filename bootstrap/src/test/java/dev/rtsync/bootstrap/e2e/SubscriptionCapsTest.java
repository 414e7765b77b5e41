package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.bootstrap.Rtsync;
import dev.rtsync.bootstrap.RtsyncConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 2, through the real wiring, real WebSocket clients and PostgreSQL: a user's
 * tabs share one subscription cap, all users share the instance's, a refused SUBSCRIBE writes no
 * row, and a closed tab gives its subscriptions back.
 */
class SubscriptionCapsTest {

    private static final String INSTANCE = "e2e-subscription-caps";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);

    private Rtsync rtsync;

    @BeforeEach
    void start() {
        Map<String, String> environment = Instances.environment(DB.testDatabase(), INSTANCE);
        environment.put("RTSYNC_MAX_IDS_PER_SUBSCRIBE", "10");
        environment.put("RTSYNC_MAX_SUBSCRIPTIONS", "20");
        environment.put("RTSYNC_MAX_SUBSCRIPTIONS_PER_USER", "30");
        environment.put("RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE", "50");
        rtsync = Rtsync.start(RtsyncConfig.fromEnvironment(environment), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        rtsync.stop();
    }

    @Test
    void a_users_tabs_share_its_cap_all_users_share_the_servers_and_a_closed_tab_gives_its_share_back() {
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        try (Browser alicesTab = tab(alice); Browser alicesOtherTab = tab(alice); Browser bobsTab = tab(bob);
             Browser carolsTab = tab(UUID.randomUUID())) {
            assertThat(alicesTab.subscribe("project", ids(10))).isEqualTo(10);
            assertThat(alicesTab.subscribe("project", ids(10))).isEqualTo(10);
            assertThat(alicesOtherTab.subscribe("project", ids(10))).isEqualTo(10);

            alicesOtherTab.sendSubscribe("project", ids(5));
            assertThat(error(alicesOtherTab)).isEqualTo(
                    "At most 30 subscriptions per user on this server, across the user's connections; this user holds 30 and asked for 5 more");

            assertThat(bobsTab.subscribe("project", ids(10))).isEqualTo(10);
            assertThat(bobsTab.subscribe("project", ids(10))).isEqualTo(10);
            carolsTab.sendSubscribe("project", ids(1));
            assertThat(error(carolsTab)).isEqualTo(
                    "At most 50 subscriptions on this server, all users together; it holds 50 and this connection asked for 1 more");
            assertThat(api.subscriptionRows(INSTANCE)).as("a refused SUBSCRIBE writes no row").isEqualTo(50);

            Map<String, Double> metrics = scrape();
            assertThat(metrics.get("rtsync_subscriptions")).isEqualTo(50);
            assertThat(metrics.get("rtsync_subscriptions_refused_total{cap=\"user\"}")).isEqualTo(1);
            assertThat(metrics.get("rtsync_subscriptions_refused_total{cap=\"instance\"}")).isEqualTo(1);

            alicesTab.close();
            await().atMost(Browser.TIMEOUT).alias("the closed tab's subscriptions are given back")
                    .until(() -> scrape().get("rtsync_subscriptions"), held -> held == 30.0);
            assertThat(carolsTab.subscribe("project", ids(10))).isEqualTo(10);
            assertThat(alicesOtherTab.subscribe("project", ids(10))).isEqualTo(10);
            // The closed tab's rows are deleted after its share was given back: wait for them too.
            await().atMost(Browser.TIMEOUT).until(() -> api.subscriptionRows(INSTANCE), rows -> rows == 50);
        }
    }

    private Browser tab(UUID user) {
        return Browser.open(rtsync.port(), Instances.token(user));
    }

    private static String error(Browser tab) {
        Browser.Received error = tab.next("ERROR");
        assertThat(error.payload().path("code").asText()).isEqualTo("TOO_MANY_SUBSCRIPTIONS");
        return error.payload().path("message").asText();
    }

    private static List<UUID> ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> UUID.randomUUID()).toList();
    }

    private Map<String, Double> scrape() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + rtsync.managementPort() + "/metrics")).timeout(Browser.TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return PrometheusText.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError("scraping /metrics failed", e);
        }
    }
}
