package dev.rtsync.bootstrap.e2e;

import java.util.HashMap;
import java.util.Map;

/** Prometheus' text format as the tests read it: each series (name and labels) with its value. */
final class PrometheusText {

    private PrometheusText() {
    }

    static Map<String, Double> parse(String body) {
        Map<String, Double> series = new HashMap<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int split = line.lastIndexOf(' ');
                series.put(line.substring(0, split), Double.parseDouble(line.substring(split + 1)));
            }
        }
        return series;
    }
}
