package dev.rtsync.bootstrap;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtsync probe live|ready}: the container health check for images without curl. */
class MainProbeTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private int probe(String which, int port) {
        return Main.run(new String[] {"probe", which}, Map.of("PUBSUB_PORT", String.valueOf(port)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int serve(String path, int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, exchange -> {
            byte[] body = "{\"status\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Test
    void exits_0_when_the_probe_answers_200() throws IOException {
        assertThat(probe("ready", serve("/health/ready", 200))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("200 ");
    }

    @Test
    void exits_1_when_the_probe_answers_503() throws IOException {
        assertThat(probe("live", serve("/health/live", 503))).isEqualTo(1);
    }

    @Test
    void exits_1_when_nothing_listens() throws IOException {
        int port = serve("/", 200);
        server.stop(0);
        server = null;

        assertThat(probe("ready", port)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("did not answer");
    }

    @Test
    void an_unknown_probe_is_a_usage_error() {
        assertThat(probe("sideways", 4001)).isEqualTo(2);
    }
}
