package dev.rtsync.application.fake;

import dev.rtsync.application.contract.InstanceRegistryContract;
import dev.rtsync.application.port.out.InstanceRegistry;
import dev.rtsync.application.port.out.SubscriptionStore;

import java.time.Duration;
import java.time.Instant;

class InMemoryInstancesTest extends InstanceRegistryContract {

    private final InMemorySubscriptionRows subscriptions = new InMemorySubscriptionRows();
    private final InMemoryInstances database = new InMemoryInstances(subscriptions, new MutableClock(Instant.parse("2026-11-29T12:00:00Z")));

    @Override
    protected InstanceRegistry registryOf(String instance) {
        return database.registryOf(instance);
    }

    @Override
    protected SubscriptionStore storeOfInstance(String instance) {
        return new InMemorySubscriptionStore(subscriptions, instance);
    }

    @Override
    protected void silence(String instance, Duration ago) {
        database.silence(instance, ago);
    }

    @Override
    protected boolean hasReaderPosition(String instance) {
        return database.hasReaderPosition(instance);
    }

    @Override
    protected int subscriptionRowsOf(String instance) {
        return subscriptions.find(row -> row.instance().equals(instance)).size();
    }
}
