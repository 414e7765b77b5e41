package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.HealthProbe;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code GET /health} and the readiness probe report: the design's connection counts and
 * whether the database answers.
 *
 * <p>The database's answer is kept for {@code maxAge}: a flood of probes (a misconfigured
 * monitor, or an attacker) asks the database at most once per {@code maxAge}, and never more
 * than one probe at a time, so it cannot take the pool's connections from the clients. While one
 * caller asks the database, the others get the answer before it.
 */
public final class CheckHealthUseCase {

    private static final System.Logger LOG = System.getLogger(CheckHealthUseCase.class.getName());

    /** @param databaseProblem empty when the database answers, else why it does not (for the log, not for HTTP callers) */
    public record HealthReport(int connections, int users, Optional<String> databaseProblem) {
        public boolean healthy() {
            return databaseProblem.isEmpty();
        }
    }

    private record Probed(Instant at, Optional<String> problem) {
    }

    private final ConnectionRegistry registry;
    private final HealthProbe database;
    private final Clock clock;
    private final Duration maxAge;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile Probed last;

    /** Asks the database at every check: for tests that change its health between checks. */
    public CheckHealthUseCase(ConnectionRegistry registry, HealthProbe database) {
        this(registry, database, Clock.systemUTC(), Duration.ZERO);
    }

    /** Keeps the database's answer for {@code maxAge}. */
    public CheckHealthUseCase(ConnectionRegistry registry, HealthProbe database, Clock clock, Duration maxAge) {
        this.registry = registry;
        this.database = database;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "max age");
    }

    public HealthReport check() {
        return new HealthReport(registry.connectionCount(), registry.userCount(), databaseProblem());
    }

    private Optional<String> databaseProblem() {
        Probed known = last;
        Instant now = clock.instant();
        boolean fresh = known != null && now.isBefore(known.at().plus(maxAge));
        if (fresh) {
            return known.problem();
        }
        if (!probing.compareAndSet(false, true)) {
            if (known != null) {
                return known.problem(); // another caller is asking: its answer comes soon
            }
            return database.problem(); // nothing known yet: at start-up only
        }
        try {
            Optional<String> problem = database.problem();
            if (known == null || !known.problem().equals(problem)) {
                problem.ifPresentOrElse(
                        reason -> LOG.log(Level.WARNING, "Health check: the database does not answer: {0}", reason),
                        () -> LOG.log(Level.INFO, "Health check: the database answers"));
            }
            last = new Probed(now, problem);
            return problem;
        } finally {
            probing.set(false);
        }
    }
}
