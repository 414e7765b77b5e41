package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rtsync.application.usecase.CheckHealthUseCase;
import dev.rtsync.application.usecase.CheckHealthUseCase.HealthReport;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * The HTTP routes Javalin serves on the service port beside the WebSocket endpoint:
 * {@code GET /health} (the original design's health answer, with connection counts), the probes
 * {@code GET /health/live} and {@code GET /health/ready}, and {@code GET /metrics} when
 * {@link OperationsEndpoints} has a metrics page. HTTP callers get fixed reasons; the details go to
 * the log ({@link CheckHealthUseCase}).
 */
final class OperationsRoutes {

    /** What HTTP callers are told when the database does not answer; the details go to the log only. */
    static final String DATABASE_UNAVAILABLE = "database unavailable";

    private final CheckHealthUseCase health;
    private final OperationsEndpoints operations;
    private final ObjectMapper json = new ObjectMapper();

    OperationsRoutes(OperationsEndpoints operations) {
        this.operations = operations;
        this.health = operations.health();
    }

    void addTo(JavalinConfig config) {
        config.routes.get("/health", this::health);
        config.routes.get("/health/live", this::live);
        config.routes.get("/health/ready", this::ready);
        operations.metrics().ifPresent(metrics -> config.routes.get("/metrics",
                ctx -> ctx.contentType(OperationsEndpoints.PROMETHEUS_TEXT).result(metrics.get())));
    }

    private void health(Context ctx) throws JsonProcessingException {
        HealthReport report = health.check();
        ObjectNode body = json.createObjectNode();
        body.put("status", report.healthy() ? "ok" : "unavailable");
        // A fixed reason: the driver's message names hosts and users; the log has it (CheckHealthUseCase).
        report.databaseProblem().ifPresent(problem -> body.put("reason", DATABASE_UNAVAILABLE));
        body.putObject("connections").put("connections", report.connections()).put("users", report.users());
        ctx.status(report.healthy() ? 200 : 503).contentType("application/json").result(json.writeValueAsString(body));
    }

    /** 200 while the process does its work; never asks the database, so a database outage restarts nothing. */
    private void live(Context ctx) throws JsonProcessingException {
        boolean alive = operations.alive().getAsBoolean();
        probeAnswer(ctx, alive ? Optional.empty() : Optional.of("the change watcher stopped"));
    }

    /** 200 when the database answers and is migrated: the instance may be given clients. */
    private void ready(Context ctx) throws JsonProcessingException {
        probeAnswer(ctx, health.check().databaseProblem().map(problem -> DATABASE_UNAVAILABLE));
    }

    private void probeAnswer(Context ctx, Optional<String> problem) throws JsonProcessingException {
        ObjectNode body = json.createObjectNode();
        boolean ok = problem.isEmpty();
        body.put("status", ok ? "ok" : "unavailable");
        problem.ifPresent(reason -> body.put("reason", reason));
        ctx.status(ok ? 200 : 503).contentType("application/json").result(json.writeValueAsString(body));
    }
}
