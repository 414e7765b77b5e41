package dev.rtsync.bootstrap;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HeapReturnTest {

    /** Surefire's JVM runs G1 with no heap flags, as {@code java -jar} does; then the process sets them itself. */
    @Test
    void on_g1_with_the_default_options_the_process_sets_the_options_that_return_free_heap() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue("true".equals(vm.getVMOption("UseG1GC").getValue()), "G1 runs");
        assumeTrue(Stream.of("MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval")
                .allMatch(option -> vm.getVMOption(option).getOrigin() == VMOption.Origin.DEFAULT), "no heap option was set");

        assertThat(HeapReturn.apply()).isTrue();

        assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(Integer.toString(HeapReturn.MIN_FREE_PERCENT));
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(Integer.toString(HeapReturn.MAX_FREE_PERCENT));
        assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo(Integer.toString(HeapReturn.PERIODIC_GC_MILLIS));
        assertThat(HeapReturn.apply()).as("once set, they are the process's choice: left alone").isFalse();
    }
}
