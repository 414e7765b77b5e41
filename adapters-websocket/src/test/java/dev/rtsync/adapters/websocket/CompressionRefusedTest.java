package dev.rtsync.adapters.websocket;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every browser offers {@code permessage-deflate}. Accepted, Jetty keeps a zlib deflater and
 * inflater for each connection from its first message on: 130 KB of server memory per connection
 * instead of 25 KB (docs/benchmarks.md), for INVALIDATEs of a few hundred bytes. The server
 * completes the handshake without it.
 */
class CompressionRefusedTest {

    @Test
    void the_handshake_a_browser_sends_is_answered_without_permessage_deflate() throws IOException {
        try (ServerFixture fixture = new ServerFixture();
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", fixture.server.port()), 5_000);
            socket.setSoTimeout(5_000);
            String request = "GET /?token=" + fixture.tokenFor(ServerFixture.newUser()) + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + fixture.server.port() + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            String response = RawClient.readHeaders(socket.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 101");
            assertThat(response.toLowerCase(Locale.ROOT)).doesNotContain("sec-websocket-extensions");
        }
    }
}
