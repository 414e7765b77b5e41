package dev.rtsync.adapters.websocket;

import dev.rtsync.application.message.ServerMessage;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The wire codec of the WebSocket adapter: {@link ServerMessageEncoder} writing an INVALIDATE of
 * {@code changes} changes (1 is the usual fan-out message; {@code WebSocketClientChannel.fanOut}
 * encodes it once for all the connections that get it), and {@link ClientMessageDecoder} reading a SUBSCRIBE of
 * 100 ids, the message of the subscribe-rate target, into domain values.
 *
 * <p>It lives in the adapter's package because both classes are package-private there, and stays
 * there on purpose: moving it would make the decoder, its verdict and every {@code ClientMessage}
 * public API of the adapter to serve a benchmark. The split package is harmless on the class path,
 * and the benchmarks jar is never deployed (docs/benchmarks.md, "JMH microbenchmarks").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({"1", "10"})
    public int changes;

    private final ServerMessageEncoder encoder = new ServerMessageEncoder();
    private final ClientMessageDecoder decoder = new ClientMessageDecoder();
    private ServerMessage.Invalidate invalidate;
    private String subscribe;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        EntityCode project = EntityCode.of("project");
        List<Change> batch = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            batch.add(new Change(project, new EntityId(new UUID(random.nextLong(), random.nextLong())), WireAction.UPDATE,
                    1_000_000L + i));
        }
        invalidate = new ServerMessage.Invalidate(new ChangeBatch(project, batch), Instant.parse("2026-11-25T16:00:00.123Z"));
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            ids.append(i == 0 ? "" : ",").append('"').append(UUID.randomUUID()).append('"');
        }
        subscribe = "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[" + ids + "]}}";
        if (!(decoder.decode(subscribe) instanceof ClientMessageDecoder.Decoded.Message)) {
            throw new IllegalStateException("the SUBSCRIBE of the benchmark does not decode");
        }
    }

    @Benchmark
    public String encodeInvalidate() {
        return encoder.encode(invalidate);
    }

    /** The same for every {@code changes}: the parameter only shapes the INVALIDATE. */
    @Benchmark
    public ClientMessageDecoder.Decoded decodeSubscribeOf100Ids() {
        return decoder.decode(subscribe);
    }
}
