package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14's flood, through the real wiring: one user opens its 32 connections, the most it may,
 * and each cycles a SUBSCRIBE of 1,000 fresh ids and an UNSUBSCRIBE_ALL as fast as it can send
 * them. Meanwhile another user's PINGs are answered and the changes to its project delivered, in
 * order. How long they take under the flood is the benchmarks' {@code flood} scenario's figure;
 * here only arrival and order are asserted.
 */
class FloodTest {

    private static final String INSTANCE = "e2e-flood";
    private static final int FLOOD_CONNECTIONS = 32;
    private static final int RENAMES = 5;
    private static final int PINGS_PER_RENAME = 4;
    /** The default budget's burst: five seconds of 20 database-bound messages. */
    private static final int FLOOD_BURST = 100;

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);

    @RegisterExtension
    final RunningInstance rtsync = new RunningInstance(DB, INSTANCE);

    @Test
    void another_users_pings_are_answered_and_its_changes_delivered_in_order_while_one_user_floods() throws Exception {
        UUID flooder = UUID.randomUUID();
        UUID quiet = UUID.randomUUID();
        UUID project = api.createProject(quiet, "watched");
        List<Browser> floodTabs = new ArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        try (Browser tab = rtsync.openTab(quiet);
             ExecutorService senders = Executors.newFixedThreadPool(4)) {
            assertThat(tab.subscribe("project", List.of(project))).isEqualTo(1);
            for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
                floodTabs.add(rtsync.openTab(flooder));
            }
            List<Future<?>> floods = new ArrayList<>();
            for (int sender = 0; sender < 4; sender++) {
                List<Browser> mine = floodTabs.subList(sender * FLOOD_CONNECTIONS / 4, (sender + 1) * FLOOD_CONNECTIONS / 4);
                floods.add(senders.submit(() -> flood(mine, flooding)));
            }
            // The other user's part starts once the flooder has spent its burst (100 database-bound
            // messages), whatever the machine's speed: from then on it is either told OVER_BUDGET or,
            // its messages waiting for the database, no longer read (backpressure).
            List<String> floodAnswers = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).alias("the flooding user has spent its burst").until(() -> {
                floodTabs.forEach(floodTab -> floodAnswers.addAll(receivedCodes(floodTab)));
                return floodAnswers.size() >= FLOOD_BURST || floodAnswers.contains("OVER_BUDGET");
            });

            List<Long> versions = new ArrayList<>();
            int pongs = 0;
            for (int rename = 0; rename < RENAMES; rename++) {
                for (int ping = 0; ping < PINGS_PER_RENAME; ping++) {
                    tab.send("{\"type\":\"PING\"}");
                    pongs += awaitPongCollectingInvalidates(tab, versions);
                }
                api.renameProject(quiet, project, "renamed " + rename);
            }
            long latest = api.latestVersion(project);
            while (versions.isEmpty() || versions.getLast() < latest) {
                Browser.Received next = tab.poll(Browser.TIMEOUT);
                assertThat(next).as("INVALIDATE up to version %d; got %s", latest, versions).isNotNull();
                assertThat(next.type()).isEqualTo("INVALIDATE");
                versions.addAll(versionsOf(next));
            }
            flooding.set(false);
            // The server reads a flooding tab only as fast as its lane works, so a send may wait in TCP
            // for minutes (backpressure): drop the tabs to release the senders.
            floodTabs.forEach(Browser::abort);
            for (Future<?> flood : floods) {
                flood.get(60, TimeUnit.SECONDS);
            }

            assertThat(pongs).isEqualTo(RENAMES * PINGS_PER_RENAME);
            assertThat(versions).as("the renames delivered in commit order, up to the last").isSorted().doesNotHaveDuplicates()
                    .endsWith(latest);
        } finally {
            floodTabs.forEach(Browser::close);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(api.subscriptionRows(INSTANCE)).as("only the quiet tab's row, which closed too").isZero());
    }

    /** Cycles SUBSCRIBE of 1,000 fresh ids and UNSUBSCRIBE_ALL on each open tab until told to stop. */
    private static void flood(List<Browser> tabs, AtomicBoolean flooding) {
        while (flooding.get()) {
            boolean anyOpen = false;
            for (Browser tab : tabs) {
                if (tab.isClosed()) {
                    continue; // closed for persisting over budget (4029): a flooder that reconnects is a new connection
                }
                anyOpen = true;
                try {
                    tab.send(subscribeOfFreshIds());
                    tab.send("{\"type\":\"UNSUBSCRIBE_ALL\"}");
                } catch (RuntimeException e) {
                    // closed while sending
                }
            }
            if (!anyOpen) {
                return;
            }
        }
    }

    private static String subscribeOfFreshIds() {
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            ids.append(i == 0 ? "" : ",").append('"').append(UUID.randomUUID()).append('"');
        }
        return "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[" + ids + "]}}";
    }

    /** Reads until the PONG, noting the version of every INVALIDATE before it; returns 1. */
    private static int awaitPongCollectingInvalidates(Browser tab, List<Long> versions) {
        while (true) {
            Browser.Received next = tab.poll(Browser.TIMEOUT);
            assertThat(next).as("PONG during the flood").isNotNull();
            if (next.type().equals("PONG")) {
                return 1;
            }
            assertThat(next.type()).isEqualTo("INVALIDATE");
            versions.addAll(versionsOf(next));
        }
    }

    private static List<Long> versionsOf(Browser.Received invalidate) {
        List<Long> versions = new ArrayList<>();
        invalidate.payload().path("changes").forEach(change -> versions.add(change.path("version").asLong()));
        return versions;
    }

    private static List<String> receivedCodes(Browser tab) {
        List<String> codes = new ArrayList<>();
        Browser.Received next;
        while ((next = tab.poll(Duration.ZERO)) != null) {
            codes.add(next.payload().path("code").asText(next.type()));
        }
        return codes;
    }
}
