package dev.rtsync.bootstrap;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Lets G1 give back the heap a burst of connections committed, without a launch flag, since the
 * README starts the service with {@code java -jar} and nothing else. With the JVM's defaults, G1
 * keeps the young regions 10,000 handshakes committed: 33.9 KB of resident memory per connection
 * against 13.3 KB of live heap (docs/benchmarks.md). These three flags are "manageable", so the
 * process may set them on itself: a GC at least every {@value #PERIODIC_GC_MILLIS} ms while idle,
 * after which G1 returns the free heap beyond {@value #MAX_FREE_PERCENT} %.
 *
 * <p>Any of them set on the command line means the operator chose: then none is touched.
 */
final class HeapReturn {

    private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);
    static final int PERIODIC_GC_MILLIS = 5_000;
    static final int MIN_FREE_PERCENT = 5;
    static final int MAX_FREE_PERCENT = 10;
    private static final List<String> OPTIONS = List.of("MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval");

    /** Returns whether the options were set; false when another collector runs or an operator set one. */
    static boolean apply() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (!"true".equals(vm.getVMOption("UseG1GC").getValue())) {
                return false;
            }
            for (String option : OPTIONS) {
                if (vm.getVMOption(option).getOrigin() != VMOption.Origin.DEFAULT) {
                    return false;
                }
            }
            vm.setVMOption("MinHeapFreeRatio", Integer.toString(MIN_FREE_PERCENT)); // first: it must stay below the maximum
            vm.setVMOption("MaxHeapFreeRatio", Integer.toString(MAX_FREE_PERCENT));
            vm.setVMOption("G1PeriodicGCInterval", Integer.toString(PERIODIC_GC_MILLIS));
            LOG.info("G1 returns free heap: MinHeapFreeRatio={}, MaxHeapFreeRatio={}, G1PeriodicGCInterval={} ms",
                    MIN_FREE_PERCENT, MAX_FREE_PERCENT, PERIODIC_GC_MILLIS);
            return true;
        } catch (RuntimeException e) {
            LOG.info("Heap options left as they are: {}", e.toString());
            return false;
        }
    }

    private HeapReturn() {
    }
}
