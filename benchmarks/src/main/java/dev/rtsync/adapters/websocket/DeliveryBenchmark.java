package dev.rtsync.adapters.websocket;

import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.WakeUp;
import dev.rtsync.application.usecase.ConnectionRegistry;
import dev.rtsync.application.usecase.DeliverPendingChangesUseCase;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One read of the change watcher, from rows to frames handed to the sessions: the delivery use
 * case grouping the rows and the real {@link WebSocketClientChannel} encoding and queuing the
 * INVALIDATEs, for 10,000 connections whose sessions take every frame at once (no network). The
 * shapes are the load tool's: one change watched by all ({@code fanout}), rows of entities with
 * ten subscribers each ({@code latency}: 100 rows, each connection gets one batch shared with nine
 * others), and connections that each get two batches, of two entity codes, equal for all.
 *
 * <p>It lives in the adapter's package because the channel admits sessions through a
 * package-private method, as {@link CodecBenchmark} does for the codec.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class DeliveryBenchmark {

    private static final int CONNECTIONS = 10_000;
    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final EntityCode TASK = EntityCode.of("task");

    @Param({"one-change-to-all", "ten-subscribers-per-entity", "two-batches-each"})
    public String shape;

    private WebSocketClientChannel channel;
    private DeliverPendingChangesUseCase deliver;

    @Setup
    public void setUp() {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        channel = new WebSocketClientChannel(WebSocketSettings.DEFAULTS);
        ConnectionRegistry registry = new ConnectionRegistry(new ConnectionLimits(1, CONNECTIONS));
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            ConnectionId id = new ConnectionId("connection-" + i);
            Connection connection = new Connection(id, new UserId(UUID.randomUUID()), now.plusSeconds(3600));
            registry.register(connection);
            channel.opened(id, sessionThatTakesEveryFrame());
            connections.add(connection);
        }
        List<LoggedChange> rows = switch (shape) {
            case "one-change-to-all" -> {
                EntityId project = entity(0);
                connections.forEach(c -> c.subscribe(PROJECT, List.of(project), SubscriptionLimits.DEFAULTS));
                yield List.of(row(1, PROJECT, project, connections));
            }
            case "two-batches-each" -> {
                EntityId project = entity(0);
                EntityId task = entity(1);
                connections.forEach(c -> c.subscribe(PROJECT, List.of(project), SubscriptionLimits.DEFAULTS));
                connections.forEach(c -> c.subscribe(TASK, List.of(task), SubscriptionLimits.DEFAULTS));
                yield List.of(row(1, PROJECT, project, connections), row(2, TASK, task, connections));
            }
            case "ten-subscribers-per-entity" -> {
                // Connection i watches projects i..i+9, so project j has the ten subscribers j-9..j.
                for (int i = 0; i < CONNECTIONS; i++) {
                    List<EntityId> watched = new ArrayList<>();
                    for (int k = 0; k < 10; k++) {
                        watched.add(entity((i + k) % CONNECTIONS));
                    }
                    connections.get(i).subscribe(PROJECT, watched, SubscriptionLimits.DEFAULTS);
                }
                List<LoggedChange> spread = new ArrayList<>();
                for (int j = 0; j < CONNECTIONS; j += 100) { // 100 rows, no connection watches two of them
                    List<Connection> subscribers = new ArrayList<>();
                    for (int k = 0; k < 10; k++) {
                        subscribers.add(connections.get(Math.floorMod(j - k, CONNECTIONS)));
                    }
                    spread.add(row(spread.size() + 1, PROJECT, entity(j), subscribers));
                }
                yield spread;
            }
            default -> throw new IllegalArgumentException(shape);
        };
        deliver = new DeliverPendingChangesUseCase(new SameRowsEveryRead(rows, now), registry, channel, clock, 1_000);
    }

    @TearDown
    public void tearDown() {
        channel.shutdown();
    }

    @Benchmark
    public void deliverOneRead() {
        deliver.deliverPending();
    }

    private static EntityId entity(int index) {
        return new EntityId(new UUID(0x5eed, index));
    }

    private static LoggedChange row(long sequence, EntityCode code, EntityId entity, Collection<Connection> subscribers) {
        Set<ConnectionId> ids = new HashSet<>();
        subscribers.forEach(c -> ids.add(c.id()));
        return new LoggedChange(sequence, code, entity, ChangeAction.EDIT, Instant.parse("2026-11-29T11:59:59Z"), ids);
    }

    /** A session that completes every frame at once and stays open. */
    private static Session sessionThatTakesEveryFrame() {
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "sendText" -> {
                        ((Callback) args[1]).succeed();
                        yield null;
                    }
                    case "isOpen" -> true;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session";
                    default -> method.getReturnType() == boolean.class ? false : null;
                });
    }

    /** A change log that hands out the same rows on every read and forgets acknowledgements. */
    private record SameRowsEveryRead(List<LoggedChange> rows, Instant now) implements ChangeLog {
        @Override
        public List<LoggedChange> readPending(int limit) {
            return rows;
        }

        @Override
        public void acknowledge(List<LoggedChange> handled, Collection<LoggedChange> failed) {
        }

        @Override
        public WakeUp awaitChanges(Duration fallback) {
            return WakeUp.FALLBACK_POLL;
        }
    }
}
