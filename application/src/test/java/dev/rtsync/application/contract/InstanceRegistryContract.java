package dev.rtsync.application.contract;

import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.application.port.out.InstanceRegistry.Heartbeat;
import dev.rtsync.application.port.out.InstanceRegistry.Removed;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link InstanceRegistry} does. Registries and stores a test obtains share one empty
 * database, as instances share one PostgreSQL. Silence is made by moving an instance's last
 * heartbeat back ({@link #silence}), so no test waits for time to pass.
 */
public abstract class InstanceRegistryContract {

    protected static final Duration DEAD_AFTER = Duration.ofSeconds(30);
    private static final EntityCode PROJECT = EntityCode.of("project");

    /** The registry of the named instance. */
    protected abstract InstanceRegistry registryOf(String instance);

    /** The subscription store of the named instance, over the same database. */
    protected abstract SubscriptionStore storeOfInstance(String instance);

    /** Moves the instance's last heartbeat {@code ago} into the past. */
    protected abstract void silence(String instance, Duration ago);

    /** Whether the instance has a reader position in the change log. */
    protected abstract boolean hasReaderPosition(String instance);

    /** How many subscription rows the instance holds. */
    protected abstract int subscriptionRowsOf(String instance);

    private void subscribe(String instance, String connection, int ids) {
        storeOfInstance(instance).add(new ConnectionId(connection), new UserId(UUID.randomUUID()), PROJECT,
                IntStream.range(0, ids).mapToObj(i -> new EntityId(UUID.randomUUID())).toList());
    }

    @Test
    void a_heartbeat_counts_every_instance_alive() {
        InstanceRegistry a = registered("a");
        registered("b");
        registered("c");
        silence("c", DEAD_AFTER.plusSeconds(5));

        assertThat(a.heartbeat(DEAD_AFTER)).isEqualTo(new Heartbeat(true, 2));
    }

    @Test
    void an_instance_silent_past_the_time_is_declared_dead_once_and_then_finds_itself_dead() {
        InstanceRegistry a = registered("a");
        InstanceRegistry b = registered("b");
        InstanceRegistry c = registered("c");
        silence("b", DEAD_AFTER.plusSeconds(5));

        assertThat(a.declareSilentInstancesDead(DEAD_AFTER, 10)).containsExactly("b");
        assertThat(c.declareSilentInstancesDead(DEAD_AFTER, 10)).as("declared already").isEmpty();
        assertThat(a.declareSilentInstancesDead(DEAD_AFTER, 10)).isEmpty();
        assertThat(b.heartbeat(DEAD_AFTER).alive()).isFalse();
        assertThat(c.heartbeat(DEAD_AFTER)).isEqualTo(new Heartbeat(true, 2));
    }

    @Test
    void an_instance_that_beats_within_the_time_is_never_declared_dead_nor_itself() {
        InstanceRegistry a = registered("a");
        registered("b");
        silence("b", DEAD_AFTER.minusSeconds(5));
        silence("a", DEAD_AFTER.plusSeconds(5));

        assertThat(a.declareSilentInstancesDead(DEAD_AFTER, 10)).isEmpty();
        assertThat(a.heartbeat(DEAD_AFTER).alive()).as("a judges no one, itself included").isTrue();
    }

    @Test
    void declaring_dead_takes_at_most_the_limit_the_longest_silent_first() {
        InstanceRegistry a = registered("a");
        for (int i = 1; i <= 3; i++) {
            registered("silent-" + i);
            silence("silent-" + i, DEAD_AFTER.plusSeconds(i));
        }

        assertThat(a.declareSilentInstancesDead(DEAD_AFTER, 2)).containsExactlyInAnyOrder("silent-3", "silent-2");
        assertThat(a.declareSilentInstancesDead(DEAD_AFTER, 2)).containsExactly("silent-1");
    }

    @Test
    void a_dead_instances_subscriptions_go_in_batches_then_its_reader_position_and_no_live_row_is_touched() {
        InstanceRegistry a = registered("a");
        registered("dead");
        subscribe("dead", "dead-1", 3);
        subscribe("dead", "dead-2", 2);
        subscribe("a", "a-1", 4);
        silence("dead", DEAD_AFTER.plusSeconds(1));
        a.declareSilentInstancesDead(DEAD_AFTER, 10);

        assertThat(a.removeRowsOfDeadInstances(2)).isEqualTo(new Removed(2, 0));
        assertThat(a.removeRowsOfDeadInstances(2)).isEqualTo(new Removed(2, 0));
        assertThat(hasReaderPosition("dead")).as("kept while subscriptions remain").isTrue();
        assertThat(a.removeRowsOfDeadInstances(2)).isEqualTo(new Removed(1, 1));
        assertThat(a.removeRowsOfDeadInstances(2)).isEqualTo(Removed.NOTHING);

        assertThat(subscriptionRowsOf("dead")).isZero();
        assertThat(hasReaderPosition("dead")).isFalse();
        assertThat(subscriptionRowsOf("a")).isEqualTo(4);
        assertThat(hasReaderPosition("a")).isTrue();
    }

    @Test
    void rows_of_an_instance_that_never_registered_a_heartbeat_are_left_alone() {
        InstanceRegistry a = registered("a");
        subscribe("older-version", "old-1", 3);

        a.declareSilentInstancesDead(Duration.ofMillis(1), 10);
        a.removeRowsOfDeadInstances(10);

        assertThat(subscriptionRowsOf("older-version")).isEqualTo(3);
    }

    @Test
    void an_instance_declared_dead_registers_afresh_with_a_position_and_is_alive_again() {
        InstanceRegistry a = registered("a");
        InstanceRegistry b = registered("b");
        silence("b", DEAD_AFTER.plusSeconds(1));
        a.declareSilentInstancesDead(DEAD_AFTER, 10);
        a.removeRowsOfDeadInstances(10);
        assertThat(hasReaderPosition("b")).isFalse();

        b.register();

        assertThat(hasReaderPosition("b")).isTrue();
        assertThat(b.heartbeat(DEAD_AFTER)).isEqualTo(new Heartbeat(true, 2));
        subscribe("b", "b-new", 2);
        assertThat(a.declareSilentInstancesDead(DEAD_AFTER, 10)).isEmpty();
        assertThat(a.removeRowsOfDeadInstances(10)).isEqualTo(Removed.NOTHING);
        assertThat(subscriptionRowsOf("b")).isEqualTo(2);
    }

    @Test
    void an_instance_that_leaves_is_dead_at_once_and_its_position_goes() {
        InstanceRegistry a = registered("a");
        InstanceRegistry b = registered("b");

        b.leave();

        assertThat(a.removeRowsOfDeadInstances(10)).isEqualTo(new Removed(0, 1));
        assertThat(b.heartbeat(DEAD_AFTER).alive()).isFalse();
        assertThat(a.heartbeat(DEAD_AFTER)).isEqualTo(new Heartbeat(true, 1));
    }

    /** Three living instances clean up after the same dead one at once. */
    @Test
    void three_cleaners_at_once_declare_a_dead_instance_once_and_remove_each_row_once() throws Exception {
        List<InstanceRegistry> cleaners = List.of(registered("c1"), registered("c2"), registered("c3"));
        registered("dead");
        for (int connection = 0; connection < 20; connection++) {
            subscribe("dead", "dead-" + connection, 50);
        }
        subscribe("c1", "live-1", 30);
        silence("dead", DEAD_AFTER.plusSeconds(1));

        CyclicBarrier together = new CyclicBarrier(cleaners.size());
        List<Future<Result>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(cleaners.size())) {
            for (InstanceRegistry cleaner : cleaners) {
                results.add(threads.submit((Callable<Result>) () -> {
                    together.await(10, TimeUnit.SECONDS);
                    List<String> declared = cleaner.declareSilentInstancesDead(DEAD_AFTER, 10);
                    Removed removed = Removed.NOTHING;
                    for (int round = 0; round < 1_000; round++) {
                        Removed batch = cleaner.removeRowsOfDeadInstances(25);
                        removed = removed.plus(batch);
                        if (batch.isNothing() && subscriptionRowsOf("dead") == 0 && !hasReaderPosition("dead")) {
                            break;
                        }
                    }
                    return new Result(declared, removed);
                }));
            }
            List<String> declared = new ArrayList<>();
            Removed removed = Removed.NOTHING;
            for (Future<Result> result : results) {
                declared.addAll(result.get(60, TimeUnit.SECONDS).declared());
                removed = removed.plus(result.get().removed());
            }
            assertThat(declared).as("declared once, by one of them").containsExactly("dead");
            assertThat(removed).as("each row removed once").isEqualTo(new Removed(1_000, 1));
        }
        assertThat(subscriptionRowsOf("dead")).isZero();
        assertThat(subscriptionRowsOf("c1")).isEqualTo(30);
        cleaners.forEach(cleaner -> assertThat(cleaner.heartbeat(DEAD_AFTER)).isEqualTo(new Heartbeat(true, 3)));
    }

    private record Result(List<String> declared, Removed removed) {
    }

    private InstanceRegistry registered(String instance) {
        InstanceRegistry registry = registryOf(instance);
        registry.register();
        return registry;
    }
}
