package dev.rtsync.bootstrap.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.bootstrap.Rtsync;
import dev.rtsync.bootstrap.RtsyncConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances that come and go as in a Deployment (issue 19): random ids, SIGKILL, SIGSTOP, rolling
 * restarts. Heartbeats every 250 ms and death after 4 s keep the tests short; every wait is for an
 * arrival (rows gone, a close code, a message), with generous bounds, never for a duration.
 */
class InstancesComeAndGoTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private final UUID alice = UUID.randomUUID();

    /** An instance's environment without RTSYNC_INSTANCE_ID, so it picks a random id. */
    private static Map<String, String> randomIdEnvironment() {
        Map<String, String> environment = Instances.environment(DB.testDatabase(), "unused");
        environment.remove("RTSYNC_INSTANCE_ID");
        environment.put("RTSYNC_HEARTBEAT_INTERVAL", "250ms");
        environment.put("RTSYNC_DEAD_AFTER", "4s");
        return environment;
    }

    private static Rtsync startInProcess() {
        return Rtsync.start(RtsyncConfig.fromEnvironment(randomIdEnvironment()), Clock.systemUTC());
    }

    @Test
    void the_survivor_removes_a_killed_instances_rows_and_position_and_its_own_clients_miss_no_change() throws Exception {
        List<UUID> projects = IntStream.range(0, 5).mapToObj(i -> api.createProject(alice, "p" + i)).toList();
        try (Rtsync survivor = startInProcess();
             Browser onSurvivor = Browser.open(survivor.port(), Instances.token(alice))) {
            onSurvivor.subscribe("project", projects);
            long subscribedAt = maxSequence();
            String killedId;
            try (ServiceProcess killed = ServiceProcess.start(randomIdEnvironment());
                 Browser onKilled = Browser.open(killed.port(), Instances.token(alice))) {
                killedId = killed.instanceId();
                assertThat(killedId).isNotEqualTo(survivor.instanceId()).matches(".+-[0-9a-f]{12}");
                onKilled.subscribe("project", projects);
                assertThat(api.subscriptionRows(killedId)).isEqualTo(5);
                assertThat(readerRows(killedId)).isEqualTo(1);

                killed.kill();
                assertThat(onKilled.awaitClose()).isEqualTo(1006);
            }
            projects.forEach(project -> api.renameProject(alice, project, "while its rows remain"));

            await().atMost(GENEROUS).until(() -> api.subscriptionRows(killedId) == 0 && readerRows(killedId) == 0);

            assertThat(declaredDeadBy(killedId)).isEqualTo(survivor.instanceId());
            projects.forEach(project -> api.renameProject(alice, project, "after the clean-up"));
            assertThat(versionsReceived(onSurvivor, projects.size() * 2, projects.get(0)))
                    .as("every change after subscribing, each entity's in order")
                    .isEqualTo(versionsLoggedAfter(subscribedAt));
            Map<String, Double> metrics = await().atMost(GENEROUS).until(() -> scrape(survivor.managementPort()),
                    scraped -> scraped.get("rtsync_instances_alive") == 1);
            assertThat(metrics.get("rtsync_instances_declared_dead_total")).isEqualTo(1);
            assertThat(metrics.get("rtsync_dead_instance_rows_removed_total{table=\"rxdb_subscription\"}")).isEqualTo(5);
            assertThat(metrics.get("rtsync_dead_instance_rows_removed_total{table=\"rtsync_reader\"}")).isEqualTo(1);
        }
    }

    @Test
    void three_instances_racing_to_clean_up_after_one_dead_instance_declare_it_once_and_remove_each_row_once() throws Exception {
        List<UUID> projects = IntStream.range(0, 400).mapToObj(i -> UUID.randomUUID()).toList();
        List<Rtsync> cleaners = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                cleaners.add(startInProcess());
            }
            String deadId;
            try (ServiceProcess dead = ServiceProcess.start(randomIdEnvironment());
                 Browser first = Browser.open(dead.port(), Instances.token(alice));
                 Browser second = Browser.open(dead.port(), Instances.token(alice));
                 Browser third = Browser.open(dead.port(), Instances.token(alice))) {
                deadId = dead.instanceId();
                for (Browser tab : List.of(first, second, third)) {
                    tab.subscribe("project", projects);
                }
                assertThat(api.subscriptionRows(deadId)).isEqualTo(1_200);
                dead.kill();
            }

            await().atMost(GENEROUS).until(() -> api.subscriptionRows(deadId) == 0 && readerRows(deadId) == 0);

            List<Map<String, Double>> metrics = cleaners.stream().map(cleaner -> scrape(cleaner.managementPort())).toList();
            assertThat(sum(metrics, "rtsync_instances_declared_dead_total")).as("declared dead once").isEqualTo(1);
            assertThat(sum(metrics, "rtsync_dead_instance_rows_removed_total{table=\"rxdb_subscription\"}"))
                    .as("each subscription row removed once").isEqualTo(1_200);
            assertThat(sum(metrics, "rtsync_dead_instance_rows_removed_total{table=\"rtsync_reader\"}")).isEqualTo(1);
            for (Rtsync cleaner : cleaners) {
                assertThat(readerRows(cleaner.instanceId())).as("a live instance's position stays").isEqualTo(1);
                assertThat(declaredDeadBy(cleaner.instanceId())).isNull();
            }
        } finally {
            cleaners.forEach(Rtsync::stop);
        }
    }

    @Test
    void an_instance_paused_past_the_deadline_finds_itself_dead_closes_with_4010_and_its_clients_reconnect_and_receive_changes()
            throws Exception {
        List<UUID> projects = IntStream.range(0, 3).mapToObj(i -> api.createProject(alice, "p" + i)).toList();
        try (Rtsync survivor = startInProcess();
             Browser onSurvivor = Browser.open(survivor.port(), Instances.token(alice));
             ServiceProcess paused = ServiceProcess.start(randomIdEnvironment())) {
            String pausedId = paused.instanceId();
            onSurvivor.subscribe("project", projects);
            long subscribedAt = maxSequence();
            Browser onPaused = Browser.open(paused.port(), Instances.token(alice));
            onPaused.subscribe("project", projects);

            paused.pause();
            await().atMost(GENEROUS).until(() -> declaredDeadBy(pausedId) != null
                    && api.subscriptionRows(pausedId) == 0 && readerRows(pausedId) == 0);
            projects.forEach(project -> api.renameProject(alice, project, "while it stood still"));
            paused.resume();

            assertThat(onPaused.awaitClose()).as("closed with 'instance declared dead'").isEqualTo(4010);
            await().atMost(GENEROUS).until(() -> declaredDeadBy(pausedId) == null && readerRows(pausedId) == 1);
            try (Browser reconnected = Browser.open(paused.port(), Instances.token(alice))) {
                reconnected.subscribe("project", projects);
                long resubscribedAt = maxSequence();
                projects.forEach(project -> api.renameProject(alice, project, "after it came back"));

                assertThat(versionsReceived(reconnected, projects.size(), projects.get(0))).isEqualTo(versionsLoggedAfter(resubscribedAt));
                assertThat(scrape(paused.managementPort()).get("rtsync_instance_rejoins_total")).isEqualTo(1);
            }
            assertThat(versionsReceived(onSurvivor, projects.size() * 2, projects.get(0))).as("the survivor's client, never closed")
                    .isEqualTo(versionsLoggedAfter(subscribedAt));
            onPaused.close();
            assertThat(readerRows(survivor.instanceId())).isEqualTo(1);
        }
    }

    /**
     * Two instances replaced one at a time, as a Deployment rolls out, while changes keep coming.
     * Each client reconnects to a live instance when its own stops, subscribes and refetches (as a
     * browser does); in the end every client knows the newest version of every entity, and only the
     * live instances have rows.
     */
    @Test
    void a_rolling_restart_of_two_instances_under_steady_changes_loses_nothing_and_leaves_nothing_behind() throws Exception {
        List<UUID> projects = IntStream.range(0, 10).mapToObj(i -> api.createProject(alice, "p" + i)).toList();
        Rtsync oldA = startInProcess();
        Rtsync oldB = startInProcess();
        List<Tab> tabs = new ArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().name("steady-changes").start(() -> {
            Random random = new Random(19);
            for (int i = 0; writing.get(); i++) {
                api.renameProject(alice, projects.get(random.nextInt(projects.size())), "change " + i);
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // steady, not flat out
            }
        });
        Rtsync newA = null;
        Rtsync newB = null;
        try {
            for (int i = 0; i < 4; i++) {
                tabs.add(new Tab(projects, i % 2 == 0 ? oldA : oldB));
            }
            newA = startInProcess();
            oldA.stop();
            for (Tab tab : tabs) {
                tab.reconnectIfOn(oldA, newA);
            }
            newB = startInProcess();
            oldB.stop();
            for (Tab tab : tabs) {
                tab.reconnectIfOn(oldB, newB);
            }
            writing.set(false);
            writer.join(GENEROUS.toMillis());

            for (Tab tab : tabs) {
                tab.absorb(Duration.ofSeconds(1));
                projects.forEach(project -> assertThat(tab.known.get(project.toString()))
                        .as("newest version of %s a client knows", project).isEqualTo(api.latestVersion(project)));
            }
            String liveA = newA.instanceId();
            String liveB = newB.instanceId();
            await().atMost(GENEROUS).until(() -> readerIds().equals(new TreeSet<>(Set.of(liveA, liveB))));
            // A row a stopping instance's last SUBSCRIBE left behind is the living cleaners' to remove
            // (the stopped instance left its tombstone), within a round or two.
            await().atMost(GENEROUS).until(() -> api.subscriptionRows(oldA.instanceId()) + api.subscriptionRows(oldB.instanceId()) == 0);
            assertThat(api.logRowsWithStatus("failed")).isZero();
        } finally {
            writing.set(false);
            tabs.forEach(Tab::close);
            for (Rtsync instance : new Rtsync[]{newA, newB, oldA, oldB}) {
                if (instance != null) {
                    instance.stop();
                }
            }
        }
    }

    /** A browser tab that, like the real client, resubscribes and refetches after a reconnect. */
    private final class Tab implements AutoCloseable {
        private final List<UUID> projects;
        private final Map<String, Long> known = new HashMap<>();
        private Browser browser;
        private Rtsync instance;

        Tab(List<UUID> projects, Rtsync instance) {
            this.projects = projects;
            connect(instance);
        }

        private void connect(Rtsync instance) {
            this.instance = instance;
            browser = Browser.open(instance.port(), Instances.token(alice));
            browser.sendSubscribe("project", projects);
            Browser.Received received;
            while (!(received = browser.next()).type().equals("SUBSCRIBED")) {
                learn(received);
            }
            projects.forEach(project -> known.merge(project.toString(), api.latestVersion(project), Math::max)); // the refetch
        }

        /** When this tab's instance was stopped: its close, then a new connection to a live instance. */
        void reconnectIfOn(Rtsync stopped, Rtsync live) {
            if (instance == stopped) {
                assertThat(browser.awaitClose()).isEqualTo(1001);
                absorb(Duration.ZERO);
                connect(live);
            }
        }

        void absorb(Duration quiet) {
            Browser.Received received;
            while ((received = browser.poll(quiet.isZero() ? Duration.ofMillis(1) : quiet)) != null) {
                learn(received);
            }
        }

        private void learn(Browser.Received received) {
            assertThat(received.type()).isEqualTo("INVALIDATE");
            for (JsonNode change : received.payload().path("changes")) {
                known.merge(change.path("entityId").asText(), change.path("version").asLong(), Math::max);
            }
        }

        @Override
        public void close() {
            browser.close();
        }
    }

    /**
     * Per entity, the versions of the INVALIDATEs received, in arrival order: once {@code expected}
     * changes came, one more change of {@code sentinel} is committed, and everything up to its arrival
     * is collected. An instance reads the log in order, so a change sent twice arrives before the
     * sentinel and shows as a version too many; the sentinel is in the log, so comparing with
     * {@link #versionsLoggedAfter} needs no exception for it.
     */
    private Map<String, List<Long>> versionsReceived(Browser browser, int expected, UUID sentinel) {
        Map<String, List<Long>> versions = new HashMap<>();
        int changes = 0;
        while (changes < expected) {
            changes += collect(browser.next("INVALIDATE"), versions);
        }
        api.renameProject(alice, sentinel, "sentinel");
        String sentinelId = sentinel.toString();
        long sentinelVersion = api.latestVersion(sentinel);
        while (!versions.getOrDefault(sentinelId, List.of()).contains(sentinelVersion)) {
            collect(browser.next("INVALIDATE"), versions);
        }
        return versions;
    }

    private static int collect(Browser.Received invalidate, Map<String, List<Long>> versions) {
        int changes = 0;
        for (JsonNode change : invalidate.payload().path("changes")) {
            versions.computeIfAbsent(change.path("entityId").asText(), id -> new ArrayList<>()).add(change.path("version").asLong());
            changes++;
        }
        return changes;
    }

    /** Per entity, the versions of the non-VIEW changes logged after the sequence, in order. */
    private static Map<String, List<Long>> versionsLoggedAfter(long sequence) throws SQLException {
        Map<String, List<Long>> versions = new HashMap<>();
        try (Connection connection = DB.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT entity_id::text, seq FROM app.logging WHERE action <> 0 AND seq > ? ORDER BY seq")) {
            statement.setLong(1, sequence);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.computeIfAbsent(rows.getString(1), id -> new ArrayList<>()).add(rows.getLong(2));
                }
            }
        }
        return versions;
    }

    private static long maxSequence() {
        return query("SELECT coalesce(max(seq), 0) FROM app.logging", rows -> rows.getLong(1));
    }

    private static long readerRows(String instanceId) {
        return query("SELECT count(*) FROM app.rtsync_reader WHERE instance_id = '" + instanceId + "'", rows -> rows.getLong(1));
    }

    private static Set<String> readerIds() {
        return query("SELECT array_agg(instance_id) FROM app.rtsync_reader", rows -> rows.getArray(1) == null
                ? new TreeSet<>() : new TreeSet<>(List.of((String[]) rows.getArray(1).getArray())));
    }

    /** Who declared the instance dead, or null while it is alive. */
    private static String declaredDeadBy(String instanceId) {
        return query("SELECT (SELECT declared_dead_by FROM app.rtsync_instance WHERE instance_id = '" + instanceId + "')",
                rows -> rows.getString(1));
    }

    private interface Row<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private static <T> T query(String sql, Row<T> row) {
        try (Connection connection = DB.connect();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return row.read(rows);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double sum(List<Map<String, Double>> scrapes, String series) {
        return scrapes.stream().mapToDouble(scrape -> scrape.getOrDefault(series, 0.0)).sum();
    }

    private static Map<String, Double> scrape(int port) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Browser.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return PrometheusText.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError("scraping /metrics failed", e);
        }
    }
}
