package dev.rtsync.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load tool's own garbage-collection pauses. The tool stamps every receipt and every commit
 * with its clock, so a pause of the tool shows up as server latency: the report gives the longest
 * pause next to the latencies, so a reader can tell. Concurrent collector work (G1's concurrent
 * cycle, ZGC's cycles) stops no thread and is not counted.
 */
final class ToolPauses implements AutoCloseable {

    private final AtomicLong count = new AtomicLong();
    private final AtomicLong totalMillis = new AtomicLong();
    private final AtomicLong maxMillis = new AtomicLong();
    private final List<Runnable> unsubscribe = new ArrayList<>();

    ToolPauses() {
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            if (isPause(info.getGcName())) {
                long millis = info.getGcInfo().getDuration();
                count.incrementAndGet();
                totalMillis.addAndGet(millis);
                maxMillis.accumulateAndGet(millis, Math::max);
            }
        };
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
        }
    }

    /** Stop-the-world collections by the JDK's bean names; "Cycles" and "Concurrent" ones run beside the application. */
    static boolean isPause(String collectorName) {
        return !collectorName.contains("Cycles") && !collectorName.contains("Concurrent");
    }

    long count() {
        return count.get();
    }

    long totalMillis() {
        return totalMillis.get();
    }

    long maxMillis() {
        return maxMillis.get();
    }

    void addTo(Report report) {
        report.put("load tool GC pauses", count())
                .put("load tool GC pause max (ms)", maxMillis())
                .note("load tool GC pause max (ms)", "the tool's clock stops too: a pause adds up to this to the latencies it measures")
                .put("load tool GC pause total (ms)", totalMillis());
    }

    @Override
    public void close() {
        unsubscribe.forEach(Runnable::run);
    }
}
