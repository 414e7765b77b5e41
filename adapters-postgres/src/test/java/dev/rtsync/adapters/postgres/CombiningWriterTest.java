package dev.rtsync.adapters.postgres;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CombiningWriterTest {

    @Test
    void a_lone_write_is_flushed_at_once_by_its_own_caller() {
        List<List<Integer>> flushes = new ArrayList<>();
        CombiningWriter<Integer> writer = new CombiningWriter<>(2, 100, item -> 1, flushes::add);

        writer.write(7);

        assertThat(flushes).containsExactly(List.of(7));
    }

    @Test
    void writes_queued_while_a_flush_runs_go_out_together_and_every_caller_returns_after_its_own() throws Exception {
        CountDownLatch firstFlushEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstFlush = new CountDownLatch(1);
        List<List<Integer>> flushes = Collections.synchronizedList(new ArrayList<>());
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        CombiningWriter<Integer> writer = new CombiningWriter<>(1, 1_000, item -> 1, batch -> {
            if (batch.contains(0)) {
                firstFlushEntered.countDown();
                await(releaseFirstFlush);
            }
            flushes.add(batch);
            written.addAll(batch);
        });
        try (ExecutorService threads = Executors.newFixedThreadPool(21)) {
            Future<?> first = threads.submit(() -> writer.write(0));
            await(firstFlushEntered);
            List<Future<?>> others = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                int item = i;
                others.add(threads.submit(() -> {
                    writer.write(item);
                    assertThat(written).contains(item); // returned only once written
                }));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> writer.waiting() == 20); // all twenty queued behind the first flush
            releaseFirstFlush.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> other : others) {
                other.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(written).hasSize(21).doesNotHaveDuplicates();
        assertThat(flushes).hasSize(2); // the first, then the twenty that queued behind it, together
        assertThat(flushes.get(0)).containsExactly(0);
        assertThat(flushes.get(1)).hasSize(20);
    }

    @Test
    void a_failed_flush_fails_every_caller_in_it_and_the_next_flush_still_works() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CombiningWriter<Integer> writer = new CombiningWriter<>(1, 100, item -> 1, batch -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("database down");
            }
        });

        assertThatThrownBy(() -> writer.write(1)).hasMessage("database down");
        writer.write(2);
        assertThat(calls).hasValue(2);
    }

    @Test
    void a_batch_stops_at_the_most_weight_but_always_takes_one_item() {
        List<List<Integer>> flushes = new ArrayList<>();
        CombiningWriter<Integer> writer = new CombiningWriter<>(1, 10, item -> item, flushes::add);

        writer.write(50); // heavier than a batch: written alone

        assertThat(flushes).containsExactly(List.of(50));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
