package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerProcessTest {

    @Test
    void g1_heap_is_its_one_heap_line() {
        String g1 = """
                1976:
                 garbage-first heap   total reserved 6172672K, committed 253952K, used 179705K [0x0000000687400000, 0x0000000800000000)
                  region size 4096K, 21 young (86016K), 0 survivors (0K)
                 Metaspace       used 40212K, committed 40768K, reserved 1114112K
                  class space    used 4821K, committed 5120K, reserved 1048576K
                """;
        assertThat(ServerProcess.heapUsedKb(g1)).isEqualTo(179_705);
    }

    @Test
    void serial_heap_is_the_sum_of_its_generations() {
        String serial = """
                6678:
                 def new generation   total 118016K, used 2968K [0x0000000687400000, 0x000000068f400000, 0x00000006da000000)
                  eden space 104960K,   2% used [0x0000000687400000, 0x00000006876e6010, 0x000000068da80000)
                 tenured generation   total 262144K, used 70331K [0x00000006da000000, 0x00000006ea000000, 0x0000000800000000)
                 Metaspace       used 40212K, committed 40768K, reserved 1114112K
                  class space    used 4821K, committed 5120K, reserved 1048576K
                """;
        assertThat(ServerProcess.heapUsedKb(serial)).isEqualTo(2_968 + 70_331);
    }

    @Test
    void nothing_recognisable_is_minus_one() {
        assertThat(ServerProcess.heapUsedKb("")).isEqualTo(-1);
    }
}
