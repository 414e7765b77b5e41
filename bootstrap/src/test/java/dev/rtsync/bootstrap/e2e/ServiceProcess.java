package dev.rtsync.bootstrap.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rtsync in a JVM of its own, started through {@code Main} as {@code java -jar} would, so a test
 * can kill it with SIGKILL or stop it with SIGTERM as an orchestrator does.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("rtsync instance (\\S+) ready on port");

    private final Process process;
    private final int port;
    private final int managementPort;
    private final StringBuffer output = new StringBuffer();

    private ServiceProcess(Process process, int port, int managementPort) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
    }

    static ServiceProcess start(Map<String, String> environment) {
        int port = freePort();
        int managementPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "dev.rtsync.bootstrap.Main"));
        builder.environment().putAll(environment);
        builder.environment().put("PUBSUB_PORT", Integer.toString(port));
        builder.environment().put("RTSYNC_MANAGEMENT_PORT", Integer.toString(managementPort));
        builder.redirectErrorStream(true);
        try {
            ServiceProcess service = new ServiceProcess(builder.start(), port, managementPort);
            service.awaitOutput("ready on port", Duration.ofSeconds(60));
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** Where {@code /metrics} is served. */
    int managementPort() {
        return managementPort;
    }

    String output() {
        return output.toString();
    }

    /** The instance id the service announced when it became ready (random unless RTSYNC_INSTANCE_ID was set). */
    String instanceId() {
        Matcher ready = READY.matcher(output);
        if (!ready.find()) {
            throw new AssertionError("no 'ready' line in:\n" + output);
        }
        return ready.group(1);
    }

    /** SIGSTOP: the process stands still, as in a long GC pause or a frozen VM; its sockets stay open. */
    void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: nothing of the service's shutdown runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and the exit code once the process ended. */
    int terminate(Duration wait) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("rtsync did not exit within " + wait + " of SIGTERM:\n" + output);
        }
        return process.exitValue();
    }

    private void awaitOutput(String text, Duration timeout) {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("rtsync-process-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.append(line).append('\n');
                    if (line.contains(text)) {
                        seen.complete(null);
                    }
                }
                seen.completeExceptionally(new AssertionError("rtsync exited before '" + text + "':\n" + output));
            } catch (IOException e) {
                seen.completeExceptionally(e);
            }
        });
        try {
            seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("rtsync did not start:\n" + output, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
