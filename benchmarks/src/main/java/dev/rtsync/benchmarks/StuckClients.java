package dev.rtsync.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Clients that subscribe and then never read, as a browser tab frozen by its debugger or a phone
 * whose network stalled: raw sockets with a small receive buffer, so the server's send queue for
 * them fills and its slow-consumer cut-off happens. Each subscribes to the same rows as the
 * measured clients (up to {@code idsPerClient} of the plan's entities, 1,000 per SUBSCRIBE).
 * {@link #outcome} reads what the server did with them afterwards: the close frame's code, or the
 * end of the stream without one (the server cut the TCP connection; reported as 1006).
 */
final class StuckClients implements AutoCloseable {

    /** What became of the stuck clients: how many the server closed, by close code, and how many are still open. */
    record Outcome(int clients, int closed, Map<Integer, Integer> closeCodes, int stillOpen, long bytesReceived) {
        String codes() {
            StringBuilder sb = new StringBuilder();
            closeCodes.forEach((code, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(code).append(" x").append(n));
            return sb.isEmpty() ? "none" : sb.toString();
        }
    }

    static final int NO_CLOSE_FRAME = 1006;
    private static final int RECEIVE_BUFFER_BYTES = 4096;
    private static final int IDS_PER_SUBSCRIBE = 1_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Socket> sockets = new ArrayList<>();

    /** Opens and subscribes {@code count} clients; they never read after the upgrade's answer. */
    static StuckClients open(InetAddress target, int port, int count, Tokens tokens, int firstConnection,
                             SubscriptionPlan plan, int idsPerClient) throws IOException {
        StuckClients stuck = new StuckClients();
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                stuck.sockets.add(socket);
                socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES); // before connecting, so the window stays small
                socket.connect(new InetSocketAddress(target, port), 10_000);
                socket.setSoTimeout(10_000);
                upgrade(socket, target, port, tokens.forConnection(firstConnection + i));
                for (String subscribe : subscribes(plan, Math.min(idsPerClient, plan.entities))) {
                    sendText(socket.getOutputStream(), subscribe);
                }
            }
        } catch (IOException | RuntimeException e) {
            stuck.close();
            throw e;
        }
        return stuck;
    }

    int count() {
        return sockets.size();
    }

    /**
     * Reads each client at last, skipping the messages queued for it, until its close frame, the end
     * of its stream, or {@code quietMillis} with nothing to read (still open).
     */
    Outcome outcome(int quietMillis) {
        Map<Integer, Integer> codes = new TreeMap<>();
        int closed = 0;
        int open = 0;
        long[] bytes = new long[1];
        for (Socket socket : sockets) {
            int code = closeCode(socket, quietMillis, bytes);
            if (code < 0) {
                open++;
            } else {
                closed++;
                codes.merge(code, 1, Integer::sum);
            }
        }
        return new Outcome(sockets.size(), closed, codes, open, bytes[0]);
    }

    /** The close code the server sent, {@link #NO_CLOSE_FRAME} if the stream ended without one, -1 if still open. */
    private static int closeCode(Socket socket, int quietMillis, long[] bytes) {
        try {
            socket.setSoTimeout(quietMillis);
            InputStream in = socket.getInputStream();
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return NO_CLOSE_FRAME;
                }
                long length = b1 & 0x7f;
                if (length == 126) {
                    byte[] extended = readFully(in, 2);
                    length = (extended[0] & 0xff) << 8 | (extended[1] & 0xff);
                }
                if (length == 127) {
                    length = 0;
                    for (byte b : readFully(in, 8)) {
                        length = length << 8 | (b & 0xff);
                    }
                }
                if ((b0 & 0x0f) == 0x8) {
                    byte[] payload = readFully(in, (int) length);
                    return payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : 1005;
                }
                in.skipNBytes(length);
                bytes[0] += length;
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            return NO_CLOSE_FRAME; // reset: cut off at the TCP level
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("end of stream");
        }
        return bytes;
    }

    static List<String> subscribes(SubscriptionPlan plan, int ids) {
        List<String> messages = new ArrayList<>();
        for (int first = 0; first < ids; first += IDS_PER_SUBSCRIBE) {
            StringBuilder sb = new StringBuilder("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[");
            for (int e = first; e < Math.min(ids, first + IDS_PER_SUBSCRIBE); e++) {
                sb.append(e > first ? "," : "").append('"').append(plan.idOf(e)).append('"');
            }
            messages.add(sb.append("]}}").toString());
        }
        return messages;
    }

    private static void upgrade(Socket socket, InetAddress target, int port, String token) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET /?token=" + token + " HTTP/1.1\r\n"
                + "Host: " + target.getHostAddress() + ":" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        while (head.size() < 4 || !head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed a stuck client's upgrade");
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("a stuck client's upgrade was refused: " + head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
        }
    }

    /** One masked text frame, as a client must send it. */
    static void sendText(OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    @Override
    public void close() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing only
            }
        }
    }
}
