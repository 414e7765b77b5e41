package dev.rtsync.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's floor for a fan-out, without rtsync: one message of {@code --message-bytes}
 * written to each of N loopback TCP connections, read on the other end by one selector thread as
 * the load tool reads. No WebSocket, no JSON, no database: what is left is the kernel's cost of a
 * send and a receive per connection, and how far writing from more threads helps on this machine.
 * Needs two open files per connection in this one process.
 */
final class LoopbackFloor {

    static Report run(Options options) throws InterruptedException {
        int connections = options.integer("connections", 9_000, 1, 30_000);
        int rounds = options.integer("rounds", 10, 1, 1_000);
        int messageBytes = options.integer("message-bytes", 200, 1, 65_536);
        int writerThreads = options.integer("writer-threads", 1, 1, 16);
        int warmUpRounds = options.integer("warmup-rounds", 3, 0, 100);
        options.rejectUnread();
        Report report = new Report("floor", Instant.now());
        List<SocketChannel> senders = new ArrayList<>();
        List<SocketChannel> receivers = new ArrayList<>();
        try (ServerSocketChannel listener = ServerSocketChannel.open();
             Selector selector = Selector.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            for (int i = 0; i < connections; i++) {
                SocketChannel receiver = SocketChannel.open(listener.getLocalAddress());
                SocketChannel sender = listener.accept();
                sender.setOption(StandardSocketOptions.TCP_NODELAY, true);
                sender.configureBlocking(false);
                receiver.configureBlocking(false);
                receiver.register(selector, SelectionKey.OP_READ);
                senders.add(sender);
                receivers.add(receiver);
            }
            AtomicLong received = new AtomicLong();
            Thread reader = new Thread(() -> readAll(selector, received), "floor-reader");
            reader.setDaemon(true);
            reader.start();

            var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long[] writeNanos = new long[rounds];
            long[] allReadNanos = new long[rounds];
            long cpuNanos = 0;
            for (int round = -warmUpRounds; round < rounds; round++) {
                long expected = received.get() + (long) connections * messageBytes;
                long cpuBefore = cpu.getProcessCpuTime();
                long start = System.nanoTime();
                writeToAll(senders, messageBytes, writerThreads);
                long written = System.nanoTime();
                long deadline = start + TimeUnit.SECONDS.toNanos(30);
                while (received.get() < expected && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                long done = System.nanoTime();
                if (received.get() < expected) {
                    throw new IllegalStateException("not everything arrived within 30 s");
                }
                if (round >= 0) {
                    writeNanos[round] = written - start;
                    allReadNanos[round] = done - start;
                    cpuNanos += cpu.getProcessCpuTime() - cpuBefore;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            reader.interrupt();
            Percentiles writes = Percentiles.of(writeNanos, rounds);
            Percentiles all = Percentiles.of(allReadNanos, rounds);
            report.put("connections", connections)
                    .put("message bytes", messageBytes)
                    .put("writer threads", writerThreads)
                    .put("rounds measured", rounds)
                    .put("all written p50 (ms)", Percentiles.millis(writes.percentile(50)))
                    .put("all written max (ms)", Percentiles.millis(writes.max()))
                    .put("all received p50 (ms)", Percentiles.millis(all.percentile(50)))
                    .put("all received max (ms)", Percentiles.millis(all.max()))
                    .note("all received p50 (ms)", "first write -> last byte read: the floor of a fan-out to this many connections")
                    .put("CPU ms per round (both ends)", cpuNanos / 1e6 / rounds)
                    .put("CPU µs per connection (send + receive)", cpuNanos / 1e3 / rounds / connections);
        } catch (IOException e) {
            throw new UsageException("loopback sockets failed: " + e.getMessage()
                    + " (each connection needs two open files: see 'ulimit -n')");
        } finally {
            for (SocketChannel channel : senders) {
                closeQuietly(channel);
            }
            for (SocketChannel channel : receivers) {
                closeQuietly(channel);
            }
        }
        return report;
    }

    private static void writeToAll(List<SocketChannel> senders, int messageBytes, int threads) throws InterruptedException {
        byte[] payload = new byte[messageBytes];
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread writer = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.wrap(payload);
                try {
                    for (int i = first; i < senders.size(); i += threads) {
                        buffer.clear();
                        while (buffer.hasRemaining()) {
                            senders.get(i).write(buffer);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            }, "floor-writer-" + t);
            writer.start();
        }
        done.await();
    }

    private static void readAll(Selector selector, AtomicLong received) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                selector.select(100);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    buffer.clear();
                    int n = ((SocketChannel) key.channel()).read(buffer);
                    if (n > 0) {
                        received.addAndGet(n);
                    }
                }
            }
        } catch (IOException e) {
            // closing
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // done with it
        }
    }

    private LoopbackFloor() {
    }
}
