package dev.rtsync.adapters.websocket;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the server offers operators besides {@code GET /health}: the Kubernetes probes
 * {@code GET /health/live} and {@code GET /health/ready}, and {@code GET /metrics}. The bootstrap
 * fills it in, so this adapter serves metrics without knowing which library makes them.
 *
 * @param alive   whether the process still does its work (the change watcher runs); asked by
 *                {@code /health/live}, which never looks at the database
 * @param metrics the metrics page in Prometheus' text format, made afresh at every scrape; empty
 *                serves no {@code /metrics}
 */
public record OperationsEndpoints(BooleanSupplier alive, Optional<Supplier<String>> metrics) {

    /** The content type of Prometheus' text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** Probes that only say the server answers, and no metrics. */
    public static final OperationsEndpoints NONE = new OperationsEndpoints(() -> true, Optional.empty());

    public OperationsEndpoints {
        Objects.requireNonNull(alive, "alive");
        Objects.requireNonNull(metrics, "metrics");
    }
}
