package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.bootstrap.Rtsync;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.UUID;

/**
 * One rtsync instance, wired as in production, started before each test and stopped after it,
 * on the class's test database:
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
 * @RegisterExtension final RunningInstance rtsync = new RunningInstance(DB, "e2e-name");
 * }</pre>
 *
 * JUnit runs the static database extension first, so the tables are emptied before the instance
 * starts and the instance is stopped before the database goes.
 */
final class RunningInstance implements BeforeEachCallback, AfterEachCallback {

    private final PostgresTestDatabase database;
    private final String instanceId;
    private Rtsync service;

    RunningInstance(PostgresTestDatabase database, String instanceId) {
        this.database = database;
        this.instanceId = instanceId;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        service = Instances.start(database.testDatabase(), instanceId);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        service.stop();
    }

    int port() {
        return service.port();
    }

    int managementPort() {
        return service.managementPort();
    }

    /** A browser tab of {@code user}, holding a valid token. */
    Browser openTab(UUID user) {
        return Browser.open(port(), Instances.token(user));
    }
}
