package dev.rtsync.adapters.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.fail;

/**
 * One page of Prometheus' text format, read as a map from series ({@code name{labels}}, labels in
 * the order the page writes them) to value.
 */
record Scrape(Map<String, Double> series) {

    static Scrape of(String text) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int split = line.lastIndexOf(' ');
            series.put(line.substring(0, split), Double.parseDouble(line.substring(split + 1)));
        }
        return new Scrape(series);
    }

    /** The series' value; fails the test when the page does not hold it. */
    double value(String name) {
        Double value = series.get(name);
        if (value == null) {
            fail("no series " + name + " in " + series.keySet().stream().filter(key -> key.startsWith(name.split("[{_]")[0]))
                    .collect(Collectors.joining(", ")));
        }
        return value;
    }

    /** The metric names on the page, without labels. */
    Set<String> names() {
        return series.keySet().stream().map(key -> key.split("\\{")[0]).collect(Collectors.toSet());
    }
}
