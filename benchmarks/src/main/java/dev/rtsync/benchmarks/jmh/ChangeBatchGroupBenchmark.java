package dev.rtsync.benchmarks.jmh;

import dev.rtsync.domain.Change;
import dev.rtsync.domain.ChangeBatch;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.WireAction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@link ChangeBatch#group}: what the watcher does for every connection with the changes of one
 * read, so its cost is paid once per subscriber per batch. Shapes: a read of {@code changes} rows
 * over {@code codes} entity codes, where {@code repeats} changes fall on each entity (1 = all
 * distinct, larger = the collapsing-to-newest path).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChangeBatchGroupBenchmark {

    @Param({"1", "10", "100", "1000"})
    public int changes;

    @Param({"1", "3"})
    public int codes;

    @Param({"1", "4"})
    public int repeats;

    private List<Change> input;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        List<EntityCode> entityCodes = new ArrayList<>();
        for (int c = 0; c < codes; c++) {
            entityCodes.add(EntityCode.of("entity_" + c));
        }
        int distinct = Math.max(1, changes / repeats);
        List<EntityId> ids = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            ids.add(new EntityId(new UUID(random.nextLong(), random.nextLong())));
        }
        input = new ArrayList<>(changes);
        for (int i = 0; i < changes; i++) {
            int entity = random.nextInt(distinct);
            input.add(new Change(entityCodes.get(entity % codes), ids.get(entity), WireAction.UPDATE, i + 1L));
        }
    }

    @Benchmark
    public List<ChangeBatch> group() {
        return ChangeBatch.group(input);
    }
}
