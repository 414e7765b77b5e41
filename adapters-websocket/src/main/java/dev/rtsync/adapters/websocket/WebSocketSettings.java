package dev.rtsync.adapters.websocket;

import java.time.Duration;
import java.util.Objects;

/**
 * How the WebSocket server runs. The bootstrap builds it from the environment; {@link #DEFAULTS}
 * suits the design's browser client (a PING every 30 s).
 *
 * @param host                  the address to bind, such as {@code 0.0.0.0}
 * @param port                  {@code PUBSUB_PORT}; 0 binds a free port (tests)
 * @param maxMessageBytes       the largest text message accepted; larger ones are answered
 *                              {@code ERROR MESSAGE_TOO_LARGE}, and frames over twice this are
 *                              refused by closing with 1009
 * @param idleTimeout           a connection the client keeps silent this long is closed
 * @param outboundQueueCapacity the most messages waiting for one client; past it the client is
 *                              closed as a slow consumer
 * @param closeGrace            how long a closing connection may take to flush its queue and
 *                              close cleanly before it is cut off
 * @param maxMessagesPerSecond  the most messages one connection may send in a second; the rest
 *                              of that second's messages are answered {@code ERROR RATE_LIMITED}
 * @param maxThreads            the most threads serving connections. Each thread's stack costs
 *                              memory it keeps while the thread lives, and a burst of SUBSCRIBEs
 *                              that wait for the database's few connections would otherwise grow
 *                              the pool to Javalin's 250 (about 28 MB, measured): threads beyond
 *                              the database pool only wait in line.
 * @param maxPendingConnections the most TCP connections at once whose WebSocket upgrade has not
 *                              been answered (and plain HTTP connections); a new one past it is
 *                              closed at once
 * @param handshakeTimeout      a TCP connection not upgraded within this time is closed, however
 *                              slowly it keeps sending its handshake
 */
public record WebSocketSettings(String host, int port, int maxMessageBytes, Duration idleTimeout,
                                int outboundQueueCapacity, Duration closeGrace, int maxMessagesPerSecond,
                                int maxThreads, int maxPendingConnections, Duration handshakeTimeout) {

    public static final int DEFAULT_PORT = 4001;
    /** {@code RTSYNC_SEND_QUEUE}'s default: the most messages waiting for one client. */
    public static final int DEFAULT_OUTBOUND_QUEUE_CAPACITY = 1024;
    /**
     * Jetty's acceptor and selectors take some threads for good (about half a thread per core), so
     * the default is 32 or 16 plus two per core, whichever is more; below this none would be left for work.
     */
    public static final int MIN_THREADS = 8;
    public static final WebSocketSettings DEFAULTS = new WebSocketSettings("0.0.0.0", DEFAULT_PORT, 256 * 1024,
            Duration.ofSeconds(65), DEFAULT_OUTBOUND_QUEUE_CAPACITY, Duration.ofSeconds(5), 50,
            Math.max(32, 16 + 2 * Runtime.getRuntime().availableProcessors()), 1_000, Duration.ofSeconds(10));

    public WebSocketSettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535");
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("the largest message must be at least 1024 bytes");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive");
        }
        if (outboundQueueCapacity < 1) {
            throw new IllegalArgumentException("the outbound queue must hold at least one message");
        }
        if (closeGrace.isNegative() || closeGrace.isZero()) {
            throw new IllegalArgumentException("the close grace must be positive");
        }
        if (maxMessagesPerSecond < 1) {
            throw new IllegalArgumentException("a connection must be allowed at least one message per second");
        }
        if (maxThreads < MIN_THREADS) {
            throw new IllegalArgumentException("the server needs at least " + MIN_THREADS + " threads");
        }
        if (maxPendingConnections < 1) {
            throw new IllegalArgumentException("at least one connection must be allowed to wait for its upgrade");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
    }

    public WebSocketSettings withHost(String host) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withPort(int port) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withMaxMessageBytes(int maxMessageBytes) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withIdleTimeout(Duration idleTimeout) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withOutboundQueueCapacity(int outboundQueueCapacity) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withCloseGrace(Duration closeGrace) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withMaxMessagesPerSecond(int maxMessagesPerSecond) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withMaxThreads(int maxThreads) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withMaxPendingConnections(int maxPendingConnections) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }

    public WebSocketSettings withHandshakeTimeout(Duration handshakeTimeout) {
        return new WebSocketSettings(host, port, maxMessageBytes, idleTimeout, outboundQueueCapacity, closeGrace, maxMessagesPerSecond, maxThreads,
                maxPendingConnections, handshakeTimeout);
    }
}
