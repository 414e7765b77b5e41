package dev.rtsync.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's resource use, read from {@code /proc}: resident memory (VmRSS), CPU seconds
 * (utime + stime over CLK_TCK) and, when {@code jcmd} is on the PATH and may attach, the Java
 * heap in use. Found by {@code --server-pid}, or by the process that holds the listening socket.
 */
final class ServerProcess {

    /** One reading; heap is -1 when jcmd could not tell. */
    record Sample(long rssKb, double cpuSeconds, long heapUsedKb, long nanoTime) {
    }

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final long pid;
    private final long clockTicks;

    private ServerProcess(long pid) {
        this.pid = pid;
        this.clockTicks = clockTicksPerSecond();
    }

    long pid() {
        return pid;
    }

    /** The server given by pid, or the one listening on the port; empty with a warning if neither. */
    static Optional<ServerProcess> find(long pid, int port) {
        if (pid > 0) {
            if (!Files.exists(Path.of("/proc", Long.toString(pid), "status"))) {
                throw new UsageException("--server-pid " + pid + " is not a running process");
            }
            return Optional.of(new ServerProcess(pid));
        }
        OptionalLong found = listeningPid(port);
        if (found.isEmpty()) {
            System.err.println("warning: found no process listening on port " + port
                    + " that this user may inspect; give --server-pid to report the server's memory and CPU");
            return Optional.empty();
        }
        return Optional.of(new ServerProcess(found.getAsLong()));
    }

    Sample sample(boolean withHeap) {
        return new Sample(rssKb(), cpuSeconds(), withHeap ? heapUsedKb() : -1, System.nanoTime());
    }

    long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended; reported as -1
        }
        return -1;
    }

    /** This process's own resident memory, since the load tool shares the machine with the server. */
    static long ownRssKb() {
        return new ServerProcess(ProcessHandle.current().pid()).rssKb();
    }

    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Field 2 (comm) may hold spaces: count fields after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / (double) clockTicks;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Runs a full GC first so the figure is the live heap, not garbage awaiting collection. */
    long heapUsedKb() {
        run(List.of("jcmd", Long.toString(pid), "GC.run"));
        return heapUsedKb(run(List.of("jcmd", Long.toString(pid), "GC.heap_info")));
    }

    /**
     * The heap's "used" out of {@code GC.heap_info}: G1 prints one line for the whole heap, Serial
     * and Parallel one per generation (summed here); Metaspace and class space lines are not heap.
     * -1 when nothing matches (ZGC prints megabytes, for example).
     */
    static long heapUsedKb(String heapInfo) {
        long used = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                used += Long.parseLong(m.group(1));
                found = true;
            }
        }
        return found ? used : -1;
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            return new String(out);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static long clockTicksPerSecond() {
        String out = run(List.of("getconf", "CLK_TCK")).strip();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            return 100; // the Linux value everywhere in practice
        }
    }

    /** The process holding a listening TCP socket on the port, via /proc/net/tcp{,6} and /proc/PID/fd. */
    static OptionalLong listeningPid(int port) {
        Set<String> inodes = new HashSet<>();
        String portHex = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.strip().split("\\s+");
                    // sl local_address rem_address st ... inode(9); state 0A is LISTEN
                    if (f.length > 9 && f[1].endsWith(portHex) && f[3].equals("0A")) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException e) {
                // no IPv6 table, for example
            }
        }
        if (inodes.isEmpty()) {
            return OptionalLong.empty();
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                                return OptionalLong.of(pid);
                            }
                        } catch (IOException e) {
                            // fd closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process or gone
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
