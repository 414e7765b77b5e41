/**
 * The metrics adapter: {@link dev.rtsync.adapters.metrics.MicrometerTelemetry} implements the
 * {@code Telemetry} port with Micrometer and renders every meter in Prometheus' text format. The
 * WebSocket adapter serves that text at {@code /metrics} without knowing Micrometer: the bootstrap
 * hands it {@code MicrometerTelemetry::scrape}.
 */
package dev.rtsync.adapters.metrics;
