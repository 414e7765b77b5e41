package dev.rtsync.adapters.websocket;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rtsync.adapters.websocket.FuzzFrames.Verdict;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.SubscriptionLimits;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzed frames sent to a live server over a few connections, pipelined: every frame must get
 * exactly the protocol's answer (docs/protocol.md; silence for UNSUBSCRIBE and UNSUBSCRIBE_ALL), in
 * order, with no stack trace or Java class name in any answer, no ERROR logged, every connection
 * still open and answering PING afterwards, and the heap after a GC within a bound of before.
 *
 * <p>{@code -Drtsync.fuzz.frames=N} changes the count (default 25,000; issue 7's run is
 * {@code -Drtsync.fuzz.frames=100000}, see docs/reliability.md); {@code -Drtsync.fuzz.seed=N} the
 * frames. A failure names the connection, the frame number and the frame.
 */
class SocketFuzzTest {

    /** 25,000 in verify; issue 7's 100,000 took 9 to 26 s on the shared 2-core machine, so it is a documented command. */
    private static final int FRAMES = Integer.getInteger("rtsync.fuzz.frames", 25_000);
    private static final int CONNECTIONS = 4;
    private static final int WINDOW = 256; // answers a connection may have outstanding
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final long HEAP_GROWTH_BOUND = 64L * 1024 * 1024;
    private static final Set<String> SERVED_CODES = Set.of("project", "task");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One frame to send and the answer it must get ({@code null}: none). */
    private record Frame(String text, byte[] binary, String expected) {
    }

    @Test
    void every_fuzzed_frame_gets_the_protocols_answer_and_the_server_stays_healthy() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        WebSocketSettings settings = ServerFixture.testSettings().withMaxMessageBytes(MAX_MESSAGE_BYTES)
                .withMaxMessagesPerSecond(10_000_000);
        // Budgets out of the way too: the fuzz checks each frame's own answer, not the budgets (FairnessTest's subject).
        FairnessSettings unlimited = new FairnessSettings(10_000_000, 10_000_000, 2);
        try (ServerFixture fixture = new ServerFixture(settings, unlimited, new SubscriptionLimits(1_000, 10_000_000), ConnectionLimits.DEFAULTS)) {
            List<FuzzConnection> connections = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                connections.add(FuzzConnection.open(fixture.uri(fixture.tokenFor(ServerFixture.newUser()))));
            }
            connections.forEach(FuzzConnection::assertAlive); // all authenticated before the measurement
            long heapBefore = usedHeapAfterGc();

            long started = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS);
            List<Future<?>> sending = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int connection = c;
                sending.add(senders.submit(() -> {
                    connections.get(connection).sendAll(connection, FRAMES / CONNECTIONS);
                    return null;
                }));
            }
            for (Future<?> future : sending) {
                future.get(5, TimeUnit.MINUTES);
            }
            senders.shutdown();
            for (FuzzConnection connection : connections) {
                connection.awaitAllAnswered();
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            long frames = 0;
            long answers = 0;
            for (FuzzConnection connection : connections) {
                assertThat(connection.mismatch.get()).as("first wrong answer").isNull();
                assertThat(connection.closed.isDone()).as("a connection was closed: " + connection.closed.getNow(0)).isFalse();
                connection.assertAlive();
                frames += connection.sent.get();
                answers += connection.answered.get();
            }
            long heapAfter = usedHeapAfterGc();
            System.out.printf("socket fuzz: %d frames (%d answered, %d silent) over %d connections in %.1f s = %.0f frames/s;"
                            + " heap after GC %d MB before, %d MB after%n", frames, answers, frames - answers, CONNECTIONS,
                    seconds, frames / seconds, heapBefore >> 20, heapAfter >> 20);
            assertThat(frames).isEqualTo(FRAMES / CONNECTIONS * CONNECTIONS);
            assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(HEAP_GROWTH_BOUND);
            connections.forEach(FuzzConnection::close);
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).as("nothing logged at ERROR").noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.ERROR));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** The frame number {@code n} of a connection, with the answer the protocol defines for it. */
    static Frame frame(int connection, int n) {
        FuzzFrames fuzz = FuzzFrames.forCase(FuzzFrames.BASE_SEED + connection, n);
        Random kind = new Random(FuzzFrames.BASE_SEED ^ ((long) connection << 32) ^ n);
        if (kind.nextInt(100) == 0) {
            byte[] bytes = new byte[kind.nextInt(64)];
            kind.nextBytes(bytes);
            return new Frame(null, bytes, "ERROR:INVALID_PAYLOAD");
        }
        while (true) {
            String text = switch (kind.nextInt(4)) {
                case 0 -> fuzz.serialize(fuzz.arbitraryValue(3));
                case 1 -> fuzz.serialize(fuzz.nearValidMessage());
                case 2 -> fuzz.mutate(fuzz.serialize(fuzz.nearValidMessage()));
                default -> fuzz.mutate(fuzz.serialize(fuzz.validMessage(false)));
            };
            if (text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
                return new Frame(text, null, "ERROR:MESSAGE_TOO_LARGE");
            }
            Verdict verdict = FuzzFrames.verdictOn(text);
            String expected = switch (verdict) {
                case Verdict.Error error -> "ERROR:" + error.code();
                case Verdict.Accept accept -> switch (accept.message()) {
                    case ClientMessage.Ping ping -> "PONG";
                    case ClientMessage.Status status -> "STATUS_REPORT";
                    case ClientMessage.Unsubscribe unsubscribe -> null;
                    case ClientMessage.UnsubscribeAll unsubscribeAll -> null;
                    case ClientMessage.Subscribe subscribe -> SERVED_CODES.contains(subscribe.entityCode().value())
                            ? "SUBSCRIBED:" + new HashSet<>(subscribe.entityIds()).size()
                            : "ERROR:UNKNOWN_ENTITY_CODE";
                    case ClientMessage.SubscribeType subscribeType -> switch (subscribeType.entityCode().value()) {
                        case "task" -> "TYPE_SUBSCRIBED"; // InMemoryRtsync.TYPE_SUBSCRIPTIONS
                        case "project" -> "ERROR:TYPE_SUBSCRIPTION_NOT_ALLOWED";
                        default -> "ERROR:UNKNOWN_ENTITY_CODE";
                    };
                    case ClientMessage.UnsubscribeType unsubscribeType -> null;
                    case ClientMessage.TokenRefresh refresh -> "REFRESH"; // would end the connection: not sent here
                };
            };
            if (!"REFRESH".equals(expected)) {
                return new Frame(text, null, expected);
            }
        }
    }

    /** The answer as compared with the expectation: {@code PONG}, {@code SUBSCRIBED:n} or {@code ERROR:CODE}. */
    static String classify(String answer) {
        try {
            JsonNode message = JSON.readTree(answer);
            String type = message.path("type").asText();
            return switch (type) {
                case "SUBSCRIBED" -> type + ":" + message.path("payload").path("count").asInt(-1);
                case "ERROR" -> type + ":" + message.path("payload").path("code").asText();
                default -> type;
            };
        } catch (Exception e) {
            return "UNPARSEABLE";
        }
    }

    private static final class FuzzConnection implements WebSocket.Listener {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        private final ConcurrentLinkedQueue<Frame> awaiting = new ConcurrentLinkedQueue<>();
        private final Semaphore window = new Semaphore(WINDOW);
        private final AtomicReference<String> mismatch = new AtomicReference<>();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong answered = new AtomicLong();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile String lastAnswer;
        private WebSocket socket;

        static FuzzConnection open(String uri) {
            FuzzConnection connection = new FuzzConnection();
            connection.socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(uri), connection).join();
            return connection;
        }

        void sendAll(int connection, int count) throws InterruptedException {
            for (int n = 0; n < count && mismatch.get() == null && !closed.isDone(); n++) {
                Frame frame = frame(connection, n);
                if (frame.expected() != null) {
                    if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                        throw new AssertionError("connection " + connection + ": no answer for 10 s after frame " + n);
                    }
                    awaiting.add(frame);
                }
                if (frame.binary() != null) {
                    socket.sendBinary(ByteBuffer.wrap(frame.binary()), true).join();
                } else {
                    socket.sendText(frame.text(), true).join();
                }
                sent.incrementAndGet();
            }
        }

        void awaitAllAnswered() throws InterruptedException {
            assertThat(window.tryAcquire(WINDOW, 10, TimeUnit.SECONDS)).as("every answer arrived").isTrue();
            window.release(WINDOW);
        }

        void assertAlive() {
            try {
                window.acquire();
                awaiting.add(new Frame("{\"type\":\"PING\"}", null, "PONG"));
                socket.sendText("{\"type\":\"PING\"}", true).join();
                assertThat(window.tryAcquire(WINDOW, 5, TimeUnit.SECONDS)).as("PONG arrived").isTrue();
                window.release(WINDOW);
                assertThat(lastAnswer).isEqualTo("{\"type\":\"PONG\"}");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                check(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void check(String answer) {
            lastAnswer = answer;
            Frame frame = awaiting.poll();
            String got = classify(answer);
            if (frame == null || !got.equals(frame.expected())
                    || answer.contains("Exception") || answer.contains("at dev.") || answer.contains("java.")) {
                mismatch.compareAndSet(null, "got " + answer + " for " + (frame == null ? "no frame"
                        : (frame.text() == null ? "a binary frame" : frame.text()) + ", expected " + frame.expected()));
            }
            answered.incrementAndGet();
            window.release();
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(1006);
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
