package dev.rtsync.benchmarks;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many browser tabs at once, over Jetty's WebSocket client (docs/benchmarks.md says why not the
 * JDK's: a fifth of the memory per connection). A few {@link WebSocketClient}s share one small
 * thread pool and scheduler; each owns one selector, and each is bound to a loopback source
 * address (127.0.0.1, .2, ...) so that more connections fit than the ephemeral ports of a single
 * address pair allow.
 */
final class Fleet implements AutoCloseable {

    /** How the opening went: counts and the time from the first attempt to the last success. */
    record Opened(int requested, int opened, int failed, long elapsedNanos, String firstFailure) {
        double perSecond() {
            return elapsedNanos <= 0 ? 0 : opened / (elapsedNanos / 1e9);
        }
    }

    /** The largest message the tool accepts: an INVALIDATE of a big batch is far below it. */
    private static final long MAX_MESSAGE_BYTES = 16L * 1024 * 1024;

    private final InetAddress target;
    private final int port;
    private final Tokens tokens;
    private final int connectionsPerSource;
    private final int clientsPerSource;
    private final boolean offerDeflate;
    private final QueuedThreadPool threads;
    private final ScheduledExecutorScheduler scheduler;
    private final List<WebSocketClient[]> clientsBySource = new ArrayList<>();
    private final List<BenchSocket> sockets = new ArrayList<>();
    private volatile Thread heartbeat;

    /**
     * @param offerDeflate whether each handshake offers {@code permessage-deflate}, as every browser does
     */
    Fleet(InetAddress target, int port, Tokens tokens, int connectionsPerSource, int clientsPerSource, int workerThreads,
          boolean offerDeflate) {
        this.target = target;
        this.offerDeflate = offerDeflate;
        this.port = port;
        this.tokens = tokens;
        this.connectionsPerSource = connectionsPerSource;
        this.clientsPerSource = clientsPerSource;
        // Each client's selector holds a thread for good; the workers come on top.
        int maxClients = clientsPerSource * 4;
        this.threads = new QueuedThreadPool(maxClients + workerThreads + 4, Math.min(4, workerThreads));
        threads.setName("bench-ws");
        threads.setDaemon(true);
        this.scheduler = new ScheduledExecutorScheduler("bench-ws-scheduler", true);
        try {
            threads.start();
            scheduler.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the WebSocket client threads", e);
        }
    }

    /** The URL a browser would open; the token is the only query parameter. */
    static URI url(InetAddress target, int port, String token) {
        String host = target.getHostAddress().contains(":") ? "[" + target.getHostAddress() + "]" : target.getHostAddress();
        return URI.create("ws://" + host + ":" + port + "/?token=" + token);
    }

    /** How many source addresses {@code connections} need. */
    static int sourcesFor(int connections, int connectionsPerSource) {
        return (connections + connectionsPerSource - 1) / connectionsPerSource;
    }

    private WebSocketClient clientFor(int index) {
        int source = index / connectionsPerSource;
        while (clientsBySource.size() <= source) {
            InetAddress local = sourceAddress(clientsBySource.size());
            if (clientsBySource.size() >= 4) {
                throw new UsageException("at most 4 source addresses: lower --connections or raise --connections-per-source");
            }
            WebSocketClient[] clients = new WebSocketClient[clientsPerSource];
            for (int i = 0; i < clientsPerSource; i++) {
                HttpClient http = new HttpClient();
                http.setExecutor(threads);
                http.setScheduler(scheduler);
                http.setConnectTimeout(10_000);
                if (local != null) {
                    http.setBindAddress(new InetSocketAddress(local, 0));
                }
                WebSocketClient client = new WebSocketClient(http);
                client.setIdleTimeout(Duration.ofHours(2)); // the run's bound closes connections, not idleness
                client.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
                client.setStopAtShutdown(false);
                try {
                    client.start();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start a WebSocket client", e);
                }
                clients[i] = client;
            }
            clientsBySource.add(clients);
        }
        return clientsBySource.get(source)[index % clientsPerSource];
    }

    /** Source address number {@code n}: the system's choice for the first, then 127.0.0.(n+1). */
    private InetAddress sourceAddress(int n) {
        if (n == 0) {
            return null;
        }
        if (!(target.getAddress().length == 4)) {
            throw new UsageException("more than " + connectionsPerSource + " connections need several IPv4 loopback"
                    + " source addresses: target 127.0.0.1 rather than " + target.getHostAddress());
        }
        try {
            return InetAddress.getByAddress(new byte[]{127, 0, 0, (byte) (n + 1)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens connections {@code from} to {@code from + count - 1}, at most {@code inFlight} handshakes
     * at once, giving up on what has not opened after {@code timeout}.
     */
    Opened open(int count, int inFlight, Duration timeout, BenchSocket.Handler handler) throws InterruptedException {
        int from = sockets.size();
        Semaphore permits = new Semaphore(inFlight);
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastSuccess = new AtomicLong();
        ConcurrentHashMap<String, String> firstFailure = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int started = 0;
        for (int i = from; i < from + count; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            BenchSocket socket = new BenchSocket(i, handler);
            synchronized (this) {
                sockets.add(socket);
            }
            started++;
            CompletableFuture<?> connecting;
            try {
                connecting = clientFor(i).connect(socket, url(target, port, tokens.forConnection(i)), upgradeRequest());
            } catch (IOException e) {
                connecting = CompletableFuture.failedFuture(e);
            }
            connecting.whenComplete((session, error) -> {
                if (error == null) {
                    opened.incrementAndGet();
                    lastSuccess.accumulateAndGet(System.nanoTime(), Math::max);
                } else {
                    failed.incrementAndGet();
                    firstFailure.putIfAbsent("first", describe(error));
                }
                permits.release();
            });
        }
        // Wait for the handshakes still in flight.
        long left = deadline - System.nanoTime();
        if (left > 0) {
            permits.tryAcquire(inFlight, Math.max(left, 0), TimeUnit.NANOSECONDS);
        }
        int notStarted = count - started;
        int stillPending = started - opened.get() - failed.get();
        long elapsed = lastSuccess.get() == 0 ? 0 : lastSuccess.get() - start;
        return new Opened(count, opened.get(), failed.get() + notStarted + stillPending, elapsed,
                firstFailure.getOrDefault("first", notStarted + stillPending > 0 ? "timed out" : ""));
    }

    /** What the handshake asks for besides the WebSocket itself. */
    private ClientUpgradeRequest upgradeRequest() {
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        if (offerDeflate) {
            request.addExtensions("permessage-deflate");
        }
        return request;
    }

    private static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    List<BenchSocket> sockets() {
        return sockets;
    }

    /** A copy of the connections opened so far, safe to iterate while another thread opens more. */
    synchronized List<BenchSocket> snapshot() {
        return List.copyOf(sockets);
    }

    /** Connections on which the server accepted {@code permessage-deflate}. */
    int compressedCount() {
        int n = 0;
        for (BenchSocket socket : sockets) {
            if (socket.compressed) {
                n++;
            }
        }
        return n;
    }

    int openCount() {
        int n = 0;
        for (BenchSocket socket : sockets) {
            if (socket.isOpen()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Sends {@code {"type":"PING"}} on every open connection every {@code interval}, as the design's
     * browsers do every 30 s, so a server that drops silent clients keeps the tool's.
     */
    synchronized void startHeartbeat(Duration interval) {
        if (heartbeat != null) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(interval.toMillis());
                    List<BenchSocket> now;
                    synchronized (this) {
                        now = List.copyOf(sockets);
                    }
                    for (BenchSocket socket : now) {
                        if (socket.isOpen()) {
                            socket.send("{\"type\":\"PING\"}");
                        }
                    }
                }
            } catch (InterruptedException e) {
                // closing
            }
        }, "bench-heartbeat");
        thread.setDaemon(true);
        heartbeat = thread;
        thread.start();
    }

    /** Closes every connection normally, then aborts what has not closed within a few seconds. */
    @Override
    public void close() {
        Thread beat = heartbeat;
        if (beat != null) {
            beat.interrupt();
        }
        for (BenchSocket socket : sockets) {
            socket.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && openCount() > 0) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (BenchSocket socket : sockets) {
            socket.abort();
        }
        for (WebSocketClient[] clients : clientsBySource) {
            for (WebSocketClient client : clients) {
                try {
                    client.stop();
                } catch (Exception e) {
                    // stopping what we are done with
                }
            }
        }
        try {
            scheduler.stop();
            threads.stop();
        } catch (Exception e) {
            // stopping what we are done with
        }
    }
}
