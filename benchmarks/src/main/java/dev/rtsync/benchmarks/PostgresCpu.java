package dev.rtsync.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time of the PostgreSQL backends serving the benchmark's database, read from
 * {@code /proc/PID/stat} (user + system), split into the load tool's own backends (its writers,
 * {@code ApplicationName} {@code rtsync-benchmarks}) and the rest, which are rtsync's (pool and
 * listener). Server-wide processes (WAL writer, checkpointer, autovacuum) and other databases are
 * left out: other work on a shared machine would blur them.
 */
final class PostgresCpu {

    static final String TOOL_APPLICATION = "rtsync-benchmarks";
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** Clock ticks per backend at one moment, and which backends are the tool's. */
    record Sample(Map<Integer, Long> ticks, Map<Integer, Boolean> isTool) {
    }

    /** Seconds of CPU between two samples: the tool's backends, and everyone else's (rtsync's). */
    record Split(double toolSeconds, double rtsyncSeconds) {
    }

    /** Empty when {@code /proc} cannot be read for the backends (another host, another user). */
    static Optional<Sample> sample(Connection connection) {
        Map<Integer, Long> ticks = new HashMap<>();
        Map<Integer, Boolean> isTool = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT pid, coalesce(application_name, '') FROM pg_stat_activity
                     WHERE datname = current_database() AND backend_type = 'client backend'""")) {
            while (rs.next()) {
                int pid = rs.getInt(1);
                Optional<Long> cpu = ticksOf(pid);
                if (cpu.isEmpty()) {
                    return Optional.empty();
                }
                ticks.put(pid, cpu.get());
                isTool.put(pid, rs.getString(2).equals(TOOL_APPLICATION));
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
        return Optional.of(new Sample(ticks, isTool));
    }

    /** Backends that began after {@code a} count from zero; those that ended before {@code b} are lost. */
    static Optional<Split> between(Optional<Sample> a, Optional<Sample> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        long tool = 0;
        long rtsync = 0;
        for (Map.Entry<Integer, Long> entry : b.get().ticks().entrySet()) {
            long delta = entry.getValue() - a.get().ticks().getOrDefault(entry.getKey(), 0L);
            if (b.get().isTool().get(entry.getKey())) {
                tool += delta;
            } else {
                rtsync += delta;
            }
        }
        return Optional.of(new Split(tool / TICKS_PER_SECOND, rtsync / TICKS_PER_SECOND));
    }

    /** utime + stime of a process, in clock ticks, from the fields after the command's closing parenthesis. */
    static Optional<Long> ticksOf(int pid) {
        try {
            return Optional.of(parseTicks(Files.readString(Path.of("/proc", Integer.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static long parseTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of proc(5)
    }

    private PostgresCpu() {
    }
}
