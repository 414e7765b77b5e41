package dev.rtsync.adapters.postgres.testing;

import dev.rtsync.adapters.postgres.DatabaseUrl;
import dev.rtsync.adapters.postgres.PostgresDatabase;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A {@link TestDatabase} of its own for one test class, created before all its tests and dropped
 * after them.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
 * }</pre>
 *
 * <p>It exists so that test classes do not each repeat the same create/open/close/drop fields and
 * methods, and cannot get their order wrong: the pool of {@link #database()} is closed before the
 * database it points at is dropped. The pool is opened at first use only, because classes that
 * drive rtsync end to end need the database's address and never a pool of their own.
 */
public final class PostgresTestDatabase implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final boolean truncateBeforeEach;
    private TestDatabase testDatabase;
    private PostgresDatabase database;

    /** Each test sees whatever the tests before it left. */
    public PostgresTestDatabase() {
        this(false);
    }

    private PostgresTestDatabase(boolean truncateBeforeEach) {
        this.truncateBeforeEach = truncateBeforeEach;
    }

    /** Each test starts with empty log, subscription, reader and entity tables ({@link TestDatabase#truncate()}). */
    public static PostgresTestDatabase truncatedBeforeEach() {
        return new PostgresTestDatabase(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        testDatabase = TestDatabase.create();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (truncateBeforeEach) {
            testDatabase().truncate();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try (TestDatabase dropped = testDatabase) {
            if (database != null) {
                database.close();
            }
        } finally {
            database = null;
            testDatabase = null;
        }
    }

    public TestDatabase testDatabase() {
        if (testDatabase == null) {
            throw new IllegalStateException("no test database: register this with @RegisterExtension on a static field");
        }
        return testDatabase;
    }

    public DatabaseUrl url() {
        return testDatabase().url();
    }

    /** A plain JDBC connection outside the pool; the caller closes it. */
    public Connection connect() throws SQLException {
        return testDatabase().connect();
    }

    /** The pool on the test database, opened at first use and closed after all tests. */
    public synchronized PostgresDatabase database() {
        if (database == null) {
            database = PostgresDatabase.open(url());
        }
        return database;
    }
}
