package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.bootstrap.Rtsync;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections churn for {@code -Drtsync.soak.minutes} (default 1), {@code -Drtsync.soak.pauseMillis}
 * apart (default 0): open, subscribe, receive a change, close. Heap, threads, file descriptors and subscription rows must end where they
 * started. Not part of {@code ./mvnw verify} (tag {@code soak}); the command and the figures of a
 * 30-minute run are in docs/reliability.md.
 */
@Tag("soak")
class ChurnSoakTest {

    private static final Duration LENGTH = Duration.ofMinutes(Long.getLong("rtsync.soak.minutes", 1));
    private static final int CONNECTIONS_PER_ROUND = 20;
    // A pause between rounds keeps the soak from starving whatever else shares the machine.
    private static final long PAUSE_MILLIS = Long.getLong("rtsync.soak.pauseMillis", 0);

    record Resources(long heapBytes, int threads, long fileDescriptors, long subscriptionRows) {
    }

    @Test
    void resources_end_where_they_started() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            RestApi api = new RestApi(database);
            Rtsync service = Instances.start(database, "soak");
            try {
                UUID writer = UUID.randomUUID();
                List<UUID> projects = IntStream.range(0, 200).mapToObj(i -> api.createProject(writer, "p" + i)).toList();
                Random random = new Random(7);
                for (int i = 0; i < 50; i++) {
                    round(service, api, projects, random); // warm up: classes, and pools grown to this load
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> api.subscriptionRows("soak") == 0);
                Resources before = measure(api);
                Map<String, Long> histogramBefore = heapHistogram();
                long rounds = 0;
                long deadline = System.nanoTime() + LENGTH.toNanos();
                while (System.nanoTime() < deadline) {
                    round(service, api, projects, random);
                    rounds++;
                    Thread.sleep(PAUSE_MILLIS);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> api.subscriptionRows("soak") == 0);
                Resources after = measure(api);
                printGrowth(histogramBefore, heapHistogram());
                System.out.printf("soak: %d rounds, %d connections in %s%n before %s%n after  %s%n",
                        rounds, rounds * CONNECTIONS_PER_ROUND, LENGTH, before, after);

                assertThat(after.subscriptionRows()).isZero();
                assertThat(after.threads()).as(threadNames()).isLessThanOrEqualTo(before.threads() + 10);
                assertThat(after.fileDescriptors()).isLessThanOrEqualTo(before.fileDescriptors() + 20);
                assertThat(after.heapBytes()).isLessThanOrEqualTo(before.heapBytes() + 64L * 1024 * 1024);
            } finally {
                service.stop();
            }
        }
    }

    /** Opens connections, subscribes each to 10 projects, changes one watched project, closes them all. */
    private static void round(Rtsync service, RestApi api, List<UUID> projects, Random random) {
        List<Browser> tabs = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS_PER_ROUND; i++) {
                Browser tab = Browser.open(service.port(), Instances.token(UUID.randomUUID()));
                tabs.add(tab);
                List<UUID> watched = Stream.generate(() -> projects.get(random.nextInt(projects.size()))).limit(10).toList();
                tab.subscribe("project", watched);
                if (i == 0) {
                    api.renameProject(UUID.randomUUID(), watched.getFirst(), "soak");
                    tab.next("INVALIDATE");
                }
            }
        } finally {
            tabs.forEach(Browser::close);
        }
    }

    /** Bytes per class on the heap, from the JVM's class histogram (which runs a full GC first). */
    private static Map<String, Long> heapHistogram() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Long> bytes = new HashMap<>();
        for (String line : histogram.lines().toList()) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[0].endsWith(":")) {
                bytes.put(columns[3], Long.parseLong(columns[2]));
            }
        }
        return bytes;
    }

    /** The classes whose instances grew most, so a failed heap bound names its suspects. */
    private static void printGrowth(Map<String, Long> before, Map<String, Long> after) {
        after.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue() - before.getOrDefault(entry.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(15)
                .forEach(entry -> System.out.printf(" grew %,12d bytes  %s%n", entry.getValue(), entry.getKey()));
    }

    private static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
    }

    private static Resources measure(RestApi api) throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long fds;
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            fds = open.count();
        }
        return new Resources(heap, Thread.activeCount(), fds, api.subscriptionRows("soak"));
    }
}
