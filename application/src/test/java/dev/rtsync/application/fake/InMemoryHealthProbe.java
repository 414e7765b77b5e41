package dev.rtsync.application.fake;

import dev.rtsync.application.port.out.HealthProbe;

import java.util.Optional;

/** A {@link HealthProbe} a test switches between healthy and a given problem. */
public final class InMemoryHealthProbe implements HealthProbe {

    private volatile Optional<String> problem = Optional.empty();

    public void reportProblem(String problem) {
        this.problem = Optional.of(problem);
    }

    public void reportHealthy() {
        this.problem = Optional.empty();
    }

    @Override
    public Optional<String> problem() {
        return problem;
    }
}
