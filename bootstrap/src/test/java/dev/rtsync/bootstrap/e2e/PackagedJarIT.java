package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's main command, on the shaded jar that {@code package} built: it starts, answers
 * {@code /health}, and exits 0 on SIGTERM. Run by failsafe after the jar exists.
 */
class PackagedJarIT {

    @Test
    void the_shaded_jar_starts_serves_health_and_stops_cleanly() throws Exception {
        Path jar = Path.of("target", "rtsync.jar");
        assertThat(jar).as("built by package").exists();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("rtsync-jar", ".log");
        try (TestDatabase database = TestDatabase.create()) {
            ProcessBuilder builder = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
            builder.environment().putAll(Instances.environment(database, "packaged-jar"));
            builder.environment().put("PUBSUB_PORT", Integer.toString(port));
            builder.environment().put("RTSYNC_MANAGEMENT_PORT", "0");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            Process process = builder.start();
            try {
                HttpResponse<String> health = awaitHealth(port, process);
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"connections\":{\"connections\":0,\"users\":0}}");

                process.destroy();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
                assertThat(process.exitValue()).as(Files.readString(log)).isZero();
            } finally {
                process.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> awaitHealth(int port, Process process) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("rtsync did not answer /health within 60 s");
    }
}
