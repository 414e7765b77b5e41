package dev.rtsync.adapters.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** A WebSocket client on a bare socket that can send any frame and reads the server's frames up to its close. */
final class RawSocket implements AutoCloseable {
    private final Socket socket;
    final java.io.OutputStream out;
    final DataInputStream in;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    static RawSocket connect(int port, String token) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        String request = "GET /?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        RawSocket raw = new RawSocket(socket);
        assertThat(RawClient.readHeaders(raw.in)).startsWith("HTTP/1.1 101");
        return raw;
    }

    void sendFrame(int opcode, byte[] payload) throws IOException {
        assertThat(payload.length).isLessThan(126);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        frame.write(0x80 | payload.length);
        byte[] mask = {7, 1, 3, 5};
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * Sends the start of one masked frame that declares {@code declaredLength} bytes of payload but
     * carries only {@code start}, and then nothing. Jetty counts a message's bytes as they arrive
     * and closes with 1009 once they pass its limit; when {@code start} ends just past the limit,
     * the server has read every byte sent and its close frame arrives intact, instead of racing the
     * reset that unread bytes cause.
     */
    void sendFrameStart(int opcode, long declaredLength, byte[] start) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame.write((int) (declaredLength >>> shift) & 0xFF);
        }
        byte[] mask = {7, 1, 3, 5};
        frame.write(mask);
        for (int i = 0; i < start.length; i++) {
            frame.write(start[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Skips the server's data frames and returns the code of its close frame. */
    int readCloseCode() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = in.readNBytes(length);
            if ((first & 0x0F) == 0x8) {
                return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
