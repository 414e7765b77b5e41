package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.HealthProbe;

import java.util.Optional;

/** What {@code GET /health} reports: the design's connection counts and whether the database answers. */
public final class CheckHealthUseCase {

    /** @param databaseProblem empty when the database answers, else why it does not */
    public record HealthReport(int connections, int users, Optional<String> databaseProblem) {
        public boolean healthy() {
            return databaseProblem.isEmpty();
        }
    }

    private final ConnectionRegistry registry;
    private final HealthProbe database;

    public CheckHealthUseCase(ConnectionRegistry registry, HealthProbe database) {
        this.registry = registry;
        this.database = database;
    }

    public HealthReport check() {
        return new HealthReport(registry.connectionCount(), registry.userCount(), database.problem());
    }
}
