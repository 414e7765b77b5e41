package dev.rtsync.adapters.postgres;

import dev.rtsync.adapters.postgres.testing.TestDatabase;
import dev.rtsync.application.contract.SubscriptionStoreContract;
import dev.rtsync.application.port.out.SubscriptionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

class PostgresSubscriptionStoreTest extends SubscriptionStoreContract {

    private static TestDatabase db;
    private static PostgresDatabase database;

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

    @Override
    protected SubscriptionStore storeOfInstance(String instanceId) {
        return new PostgresSubscriptionStore(database, instanceId);
    }
}
