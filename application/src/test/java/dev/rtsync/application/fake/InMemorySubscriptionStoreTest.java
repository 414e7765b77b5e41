package dev.rtsync.application.fake;

import dev.rtsync.application.contract.SubscriptionStoreContract;
import dev.rtsync.application.port.out.SubscriptionStore;

class InMemorySubscriptionStoreTest extends SubscriptionStoreContract {

    private final InMemorySubscriptionRows database = new InMemorySubscriptionRows();

    @Override
    protected SubscriptionStore storeOfInstance(String instanceId) {
        return new InMemorySubscriptionStore(database, instanceId);
    }
}
