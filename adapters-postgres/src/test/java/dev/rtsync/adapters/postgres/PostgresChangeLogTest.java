package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.application.contract.ChangeLogContract;
import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

class PostgresChangeLogTest extends ChangeLogContract {

    private static TestDatabase db;
    private static PostgresDatabase database;
    private final List<PostgresChangeLog> opened = new ArrayList<>();

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.create();
        database = PostgresDatabase.open(db.url());
    }

    @AfterAll
    static void stopDatabase() {
        database.close();
        db.close();
    }

    @BeforeEach
    void emptyDatabase() {
        db.truncate();
    }

    @AfterEach
    void closeLogs() {
        opened.forEach(PostgresChangeLog::close);
    }

    @Override
    protected SubscriptionStore storeOfInstance(String instanceId) {
        return new PostgresSubscriptionStore(database, instanceId);
    }

    @Override
    protected ChangeLog changeLogOfInstance(String instanceId) {
        // A new object each time, as a restarted instance would make; the position lives in the database.
        PostgresChangeLog log = new PostgresChangeLog(database, instanceId);
        opened.add(log);
        return log;
    }

    /** As the REST API logs: plain SQL naming only entity_code, entity_id and action. */
    @Override
    protected long logChange(EntityCode code, EntityId entity, ChangeAction action) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        INSERT INTO app.logging (entity_code, entity_id, action) VALUES (:code, :entity, :action)
                        RETURNING seq""")
                .bind("code", code.value())
                .bind("entity", entity.value())
                .bind("action", (short) action.logCode())
                .mapTo(Long.class)
                .one());
    }

    @Override
    protected Status syncStatusOf(long sequence) {
        String status = database.jdbi().withHandle(handle -> handle
                .createQuery("SELECT sync_status FROM app.logging WHERE seq = :seq")
                .bind("seq", sequence)
                .mapTo(String.class)
                .one());
        return Status.valueOf(status.toUpperCase(Locale.ROOT));
    }
}
