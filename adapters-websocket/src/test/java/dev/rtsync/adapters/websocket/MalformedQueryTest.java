package dev.rtsync.adapters.websocket;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade whose query string is not valid percent-encoding is bad input the server cannot
 * read a token from: it is answered 400 Bad Request, and the server stays up. (Jetty's servlet
 * upgrade answered it 500 Server Error.) A browser cannot send such a URL: its WebSocket
 * constructor encodes the query.
 */
class MalformedQueryTest {

    @Test
    void an_upgrade_whose_query_is_not_valid_percent_encoding_is_a_bad_request() throws IOException {
        try (ServerFixture fixture = new ServerFixture()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", fixture.server.port()), 5_000);
                socket.setSoTimeout(10_000);
                String request = "GET /?token=%zz HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + fixture.server.port() + "\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n";
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();

                assertThat(RawClient.readHeaders(socket.getInputStream())).startsWith("HTTP/1.1 400");
            }

            fixture.connect(ServerFixture.newUser()).close(); // and the next client is served
        }
    }
}
