package dev.rtsync.application.fake;

import dev.rtsync.application.contract.ChangeLogContract;
import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ChangeAction;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;

import java.time.Clock;

class InMemoryChangeLogTest extends ChangeLogContract {

    private final InMemorySubscriptionRows database = new InMemorySubscriptionRows();
    private final InMemoryChangeLog log = new InMemoryChangeLog(database, Clock.systemUTC());

    @Override
    protected SubscriptionStore storeOfInstance(String instanceId) {
        return new InMemorySubscriptionStore(database, instanceId);
    }

    @Override
    protected ChangeLog changeLogOfInstance(String instanceId) {
        return log.readerFor(instanceId); // a new run each time: the position is kept in the log
    }

    @Override
    protected long logChange(EntityCode code, EntityId entity, ChangeAction action) {
        return log.append(code, entity, action);
    }

    @Override
    protected Status syncStatusOf(long sequence) {
        return Status.valueOf(log.syncStatusOf(sequence).name());
    }
}
