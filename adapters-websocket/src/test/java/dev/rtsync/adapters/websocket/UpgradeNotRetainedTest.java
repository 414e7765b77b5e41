package dev.rtsync.adapters.websocket;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An open connection keeps nothing of the HTTP request that upgraded it. Jetty's servlet upgrade,
 * and its core upgrade with the WebSocket API's own frame handlers, kept the whole exchange for the
 * connection's life (HTTP connection, parser, channel, request and response, request headers and
 * query): about 7 KB of the 13 KB of heap each connection held (docs/benchmarks.md, issue 14).
 */
class UpgradeNotRetainedTest {

    private static final int CONNECTIONS = 40;
    private static final List<String> HTTP_EXCHANGE = List.of(
            "org.eclipse.jetty.server.internal.HttpConnection",
            "org.eclipse.jetty.server.internal.HttpChannelState",
            "org.eclipse.jetty.http.HttpParser");

    @Test
    void open_connections_do_not_keep_their_upgrade_requests_http_objects() throws Exception {
        List<TestClient> clients = new ArrayList<>();
        try (ServerFixture fixture = new ServerFixture()) {
            Map<String, Long> before = liveInstances();
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(fixture.connect(ServerFixture.newUser()));
            }

            Map<String, Long> after = liveInstances();

            for (String type : HTTP_EXCHANGE) {
                // Every open connection would keep one; a few may be requests in flight or not yet collected.
                assertThat(after.getOrDefault(type, 0L) - before.getOrDefault(type, 0L))
                        .as("live %s with %d connections open", type, CONNECTIONS).isLessThan(CONNECTIONS / 2);
            }
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    /** Live instances per class, from the JVM's class histogram (which runs a full GC first). */
    private static Map<String, Long> liveInstances() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Long> instances = new HashMap<>();
        for (String line : histogram.lines().toList()) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[0].endsWith(":")) {
                instances.put(columns[3], Long.parseLong(columns[1]));
            }
        }
        return instances;
    }
}
