package dev.rtsync.benchmarks;

import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.HeldSubscriptions;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The server's live heap per held subscription, one of the figures that size
 * {@code RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE} (docs/reliability.md): N connections sharing one
 * instance's counts each subscribe to M fresh ids in one call, as decoded SUBSCRIBEs hand them over.
 * The used heap after full collections, before and after, divided by N × M. Needs no server:
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.rtsync.benchmarks.SubscriptionFootprint 1000 1000</pre>
 */
public final class SubscriptionFootprint {

    private SubscriptionFootprint() {
    }

    public static void main(String[] args) throws InterruptedException {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int idsPerConnection = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        if (connections < 1 || connections > 100_000 || idsPerConnection < 1 || idsPerConnection > 10_000) {
            throw new IllegalArgumentException("1 to 100,000 connections of 1 to 10,000 ids each");
        }
        HeldSubscriptions instance = new HeldSubscriptions();
        SubscriptionLimits unbounded = new SubscriptionLimits(idsPerConnection, idsPerConnection, Integer.MAX_VALUE, Integer.MAX_VALUE);
        Instant now = Instant.now();
        List<Connection> open = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            open.add(new Connection(new ConnectionId("c" + i), new UserId(UUID.randomUUID()), now, now.plusSeconds(3600), instance));
        }
        EntityCode project = EntityCode.of("project");
        long before = usedHeapAfterFullCollections();
        for (Connection connection : open) {
            List<EntityId> ids = new ArrayList<>(idsPerConnection);
            for (int i = 0; i < idsPerConnection; i++) {
                ids.add(new EntityId(UUID.randomUUID()));
            }
            connection.subscribe(project, ids, unbounded);
        }
        long after = usedHeapAfterFullCollections();
        long held = (long) connections * idsPerConnection;
        System.out.printf("%,d connections x %,d ids = %,d subscriptions (counted: %,d); live heap %+.1f MB, %.1f bytes per subscription%n",
                connections, idsPerConnection, held, instance.total(), (after - before) / 1e6, (double) (after - before) / held);
        System.out.println("(" + open.size() + " connections kept alive to here)");
    }

    private static long usedHeapAfterFullCollections() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
