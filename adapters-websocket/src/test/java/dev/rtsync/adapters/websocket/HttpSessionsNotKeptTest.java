package dev.rtsync.adapters.websocket;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Javalin's {@code ws} routes, which served the protocol before ADR 0019, read the HTTP session at
 * every WebSocket upgrade, which creates one; Jetty's default cache then kept each for 30 minutes,
 * about 1 KB per connection ever opened (found by the soak, docs/reliability.md). The server keeps none.
 */
class HttpSessionsNotKeptTest {

    private static final String SESSION_CLASS = "org.eclipse.jetty.session.ManagedSession";

    @Test
    void closed_connections_leave_no_http_session_behind() throws Exception {
        try (ServerFixture server = new ServerFixture()) {
            for (int i = 0; i < 200; i++) {
                try (TestClient client = server.connect(ServerFixture.newUser())) {
                    client.assertAlive();
                }
            }

            assertThat(liveInstances(SESSION_CLASS)).isLessThan(10);
        }
    }

    /** Instances of the class alive after a full GC, from the JVM's class histogram. */
    private static long liveInstances(String className) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        return histogram.lines()
                .map(line -> line.trim().split("\\s+"))
                .filter(columns -> columns.length >= 4 && columns[3].equals(className))
                .mapToLong(columns -> Long.parseLong(columns[1]))
                .sum();
    }
}
