package dev.rtsync.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scenario's results: a Markdown table on stdout for people, and one JSON line appended to
 * {@code results/<timestamp>.jsonl} for tools. Values are numbers where they are numbers.
 */
final class Report {

    private final String scenario;
    private final Instant startedAt;
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    Report(String scenario, Instant startedAt) {
        this.scenario = scenario;
        this.startedAt = startedAt;
    }

    Report put(String metric, Object value) {
        metrics.put(metric, value);
        return this;
    }

    Report note(String metric, String note) {
        notes.put(metric, note);
        return this;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("\n### ").append(scenario).append(" (").append(startedAt).append(")\n\n");
        sb.append("| metric | value | note |\n|---|---:|---|\n");
        metrics.forEach((metric, value) -> sb.append("| ").append(metric).append(" | ").append(format(value))
                .append(" | ").append(notes.getOrDefault(metric, "")).append(" |\n"));
        return sb.toString();
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            return String.format(java.util.Locale.ROOT, "%.2f", d);
        }
        return String.valueOf(value);
    }

    String jsonLine(Map<String, String> settings) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"scenario\":").append(quote(scenario));
        sb.append(",\"startedAt\":").append(quote(startedAt.toString()));
        sb.append(",\"settings\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            sb.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            first = false;
        }
        sb.append("},\"metrics\":{");
        first = true;
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            sb.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(json(e.getValue()));
            first = false;
        }
        return sb.append("}}").toString();
    }

    private static String json(Object value) {
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "null" : String.format(java.util.Locale.ROOT, "%.3f", d);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return quote(String.valueOf(value));
    }

    static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Prints the table and appends the JSON line; returns the file written. */
    Path publish(Path resultsDir, Map<String, String> settings) {
        System.out.println(markdown());
        Path file = resultsDir.resolve(startedAt.toString().replace(':', '-') + ".jsonl");
        try {
            Files.createDirectories(resultsDir);
            Files.writeString(file, jsonLine(settings) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("warning: could not write " + file + ": " + e.getMessage());
        }
        return file;
    }
}
