package dev.rtsync.adapters.websocket;

import dev.rtsync.application.usecase.CheckHealthUseCase;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the server offers operators beside the protocol: {@code GET /health}, the Kubernetes probes
 * {@code GET /health/live} and {@code GET /health/ready}, and {@code GET /metrics}. The bootstrap
 * fills it in, so this adapter serves metrics without knowing which library makes them.
 *
 * @param health  what {@code /health} and {@code /health/ready} report; not a client's use case,
 *                so it is not among the {@code ClientUseCases}
 * @param alive   whether the process still does its work (the change watcher runs); asked by
 *                {@code /health/live}, which never looks at the database
 * @param metrics the metrics page in Prometheus' text format, made afresh at every scrape; empty
 *                serves no {@code /metrics}
 */
public record OperationsEndpoints(CheckHealthUseCase health, BooleanSupplier alive, Optional<Supplier<String>> metrics) {

    /** The content type of Prometheus' text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** {@code /health}, a liveness probe that only says the server answers, and no metrics. */
    public static OperationsEndpoints healthOnly(CheckHealthUseCase health) {
        return new OperationsEndpoints(health, () -> true, Optional.empty());
    }

    public OperationsEndpoints {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(alive, "alive");
        Objects.requireNonNull(metrics, "metrics");
    }
}
