package dev.rtsync.application.usecase;

import dev.rtsync.application.fake.InMemoryRtsync;
import dev.rtsync.application.fake.RecordingClientChannel;
import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.message.ServerMessage.ErrorMessage;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectCommand;
import dev.rtsync.application.usecase.ConnectUseCase.ConnectResult;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeCommand;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeResult;
import dev.rtsync.application.usecase.SubscribeUseCase.SubscribeTypeCommand;
import dev.rtsync.application.usecase.UnsubscribeAllUseCase.UnsubscribeAllCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeCommand;
import dev.rtsync.application.usecase.UnsubscribeUseCase.UnsubscribeTypeCommand;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.ConnectionLimits;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.HeldSubscriptions;
import dev.rtsync.domain.SubscriptionCap;
import dev.rtsync.domain.SubscriptionLimits;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 2: subscriptions are capped per user, across the user's connections, and per
 * instance, besides per connection; what is let go by any path is given back.
 */
class SubscriptionCapsTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final EntityCode TASK = EntityCode.of("task"); // type subscriptions allowed by the fake
    /** 10 ids per SUBSCRIBE, 20 per connection, 30 per user, 50 per instance. */
    private static final SubscriptionLimits LIMITS = new SubscriptionLimits(10, 20, 30, 50);

    private final InMemoryRtsync<RecordingClientChannel> rtsync =
            new InMemoryRtsync<>(new RecordingClientChannel(), LIMITS, ConnectionLimits.DEFAULTS, EntityCatalog.ANY);
    private final HeldSubscriptions held = rtsync.registry.subscriptions();
    private final AtomicInteger connectionNumbers = new AtomicInteger();

    @Test
    void a_users_connections_share_the_user_cap_and_a_refused_subscribe_stores_nothing() {
        UserId alice = newUser();
        ConnectionId first = connect(alice);
        ConnectionId second = connect(alice);
        assertSubscribed(first, 10);
        assertSubscribed(first, 10);
        assertSubscribed(second, 10);

        SubscribeResult result = subscribe(second, newEntities(5));

        assertThat(result).isEqualTo(new SubscribeResult.Rejected(ErrorCode.TOO_MANY_SUBSCRIPTIONS));
        assertThat(lastError(second).message()).isEqualTo(
                "At most 30 subscriptions per user on this server, across the user's connections; this user holds 30 and asked for 5 more");
        assertThat(rtsync.store.subscriptionsOf(second)).hasSize(10);
        assertThat(held.heldBy(alice)).isEqualTo(30);
        assertSubscribed(connect(newUser()), 10);
        assertThat(held.refusals(SubscriptionCap.USER)).isEqualTo(1);
    }

    @Test
    void the_instance_cap_counts_every_user_and_a_type_subscription_counts_one() {
        UserId alice = newUser();
        ConnectionId alicesTab = connect(alice);
        ConnectionId alicesOtherTab = connect(alice);
        ConnectionId bobsTab = connect(newUser());
        assertSubscribed(alicesTab, 10);
        assertSubscribed(alicesTab, 10);
        assertSubscribed(alicesOtherTab, 10);
        assertSubscribed(bobsTab, 10);
        assertSubscribed(bobsTab, 9);
        assertThat(rtsync.useCases.subscribe().subscribeToType(new SubscribeTypeCommand(bobsTab, TASK)))
                .isEqualTo(new SubscribeResult.Subscribed(1));
        ConnectionId carols = connect(newUser());

        assertThat(subscribe(carols, newEntities(1))).isEqualTo(new SubscribeResult.Rejected(ErrorCode.TOO_MANY_SUBSCRIPTIONS));
        assertThat(lastError(carols).message()).isEqualTo(
                "At most 50 subscriptions on this server, all users together; it holds 50 and this connection asked for 1 more");
        assertThat(rtsync.useCases.subscribe().subscribeToType(new SubscribeTypeCommand(carols, TASK)))
                .isEqualTo(new SubscribeResult.Rejected(ErrorCode.TOO_MANY_SUBSCRIPTIONS));
        assertThat(rtsync.store.rowCount()).isEqualTo(50);
        assertThat(held.total()).isEqualTo(50);
        assertThat(held.refusals(SubscriptionCap.INSTANCE)).isEqualTo(2);
    }

    @Test
    void every_path_that_lets_subscriptions_go_gives_them_back() {
        UserId alice = newUser();
        ConnectionId tab = connect(alice);
        List<EntityId> projects = newEntities(10);
        subscribe(tab, projects);
        assertThat(rtsync.useCases.subscribe().subscribeToType(new SubscribeTypeCommand(tab, TASK)))
                .isEqualTo(new SubscribeResult.Subscribed(1));
        assertThat(held.heldBy(alice)).isEqualTo(11);

        rtsync.useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(tab, PROJECT, Optional.of(projects.subList(0, 3))));
        assertThat(held.heldBy(alice)).as("after UNSUBSCRIBE of 3 ids").isEqualTo(8);
        rtsync.useCases.unsubscribe().unsubscribeFromType(new UnsubscribeTypeCommand(tab, TASK));
        assertThat(held.heldBy(alice)).as("after UNSUBSCRIBE_TYPE").isEqualTo(7);
        rtsync.useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(tab, PROJECT, Optional.empty()));
        assertThat(held.heldBy(alice)).as("after UNSUBSCRIBE of the whole code").isZero();
        assertSubscribed(tab, 10);
        rtsync.useCases.unsubscribeAll().unsubscribeAll(new UnsubscribeAllCommand(tab));
        assertThat(held.heldBy(alice)).as("after UNSUBSCRIBE_ALL").isZero();

        rtsync.store.setUnavailable(true);
        assertThat(subscribe(tab, newEntities(10))).isEqualTo(new SubscribeResult.Rejected(ErrorCode.UNAVAILABLE));
        assertThat(held.heldBy(alice)).as("after a SUBSCRIBE the store could not take").isZero();
        rtsync.store.setUnavailable(false);

        assertSubscribed(tab, 10);
        rtsync.useCases.disconnect().disconnect(new DisconnectCommand(tab));
        assertThat(held.heldBy(alice)).as("after the connection closed").isZero();

        ConnectionId another = connect(alice);
        assertSubscribed(another, 10);
        rtsync.store.setUnavailable(true);
        rtsync.useCases.disconnect().disconnect(new DisconnectCommand(another));
        assertThat(held.total()).as("after a close whose rows wait for the store").isZero();
    }

    /**
     * The clean-up of a server-side close (token expiry, slow consumer) runs to its end after a
     * SUBSCRIBE found the connection open but before it took the ids on: the SUBSCRIBE's rows are
     * then held by a connection nobody will clean up again, and must be given back by it.
     */
    @Test
    void a_subscribe_that_races_a_server_side_close_gives_its_reservation_back() throws Exception {
        UserId alice = newUser();
        ConnectionId tab = connect(alice);
        Connection connection = rtsync.registry.find(tab).orElseThrow();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        AtomicReference<Thread> subscriber = new AtomicReference<>();
        try {
            Future<SubscribeResult> racing;
            synchronized (connection) { // holds the SUBSCRIBE at the connection's door
                racing = executor.submit(() -> {
                    subscriber.set(Thread.currentThread());
                    return subscribe(tab, newEntities(3));
                });
                await().atMost(Duration.ofSeconds(30)).alias("the SUBSCRIBE waits for the connection")
                        .until(() -> subscriber.get() != null && isWaitingToSubscribe(subscriber.get()));
                rtsync.useCases.disconnect().disconnect(new DisconnectCommand(tab));
            }

            assertThat(racing.get()).isEqualTo(new SubscribeResult.NotConnected());
        } finally {
            executor.shutdownNow();
        }
        assertThat(held.heldBy(alice)).isZero();
        assertThat(held.total()).isZero();
        assertThat(rtsync.store.rowCount()).isZero();
    }

    @Test
    void subscribes_from_many_threads_never_take_a_user_or_the_instance_past_its_cap() throws Exception {
        int users = 4;
        int connectionsPerUser = 3;
        List<UserId> userIds = IntStream.range(0, users).mapToObj(i -> newUser()).toList();
        List<ConnectionId> tabs = new ArrayList<>();
        userIds.forEach(user -> IntStream.range(0, connectionsPerUser).forEach(i -> tabs.add(connect(user))));
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger mostHeldByAUser = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(tabs.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (ConnectionId tab : tabs) {
                done.add(threads.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int round = 0; round < 400; round++) {
                        if (random.nextInt(4) == 0) {
                            if (random.nextBoolean()) {
                                rtsync.useCases.unsubscribeAll().unsubscribeAll(new UnsubscribeAllCommand(tab));
                            } else {
                                rtsync.useCases.unsubscribe().unsubscribe(new UnsubscribeCommand(tab, PROJECT, Optional.empty()));
                            }
                        } else if (random.nextInt(10) == 0) {
                            rtsync.useCases.subscribe().subscribeToType(new SubscribeTypeCommand(tab, TASK));
                        } else {
                            subscribe(tab, newEntities(1 + random.nextInt(10)));
                        }
                        mostHeld.accumulateAndGet(held.total(), Math::max);
                        userIds.forEach(user -> mostHeldByAUser.accumulateAndGet(held.heldBy(user), Math::max));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> each : done) {
                each.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(mostHeld.get()).isLessThanOrEqualTo(50);
        assertThat(mostHeldByAUser.get()).isLessThanOrEqualTo(30);
        assertThat(held.refusals(SubscriptionCap.INSTANCE) + held.refusals(SubscriptionCap.USER))
                .as("the caps were reached").isPositive();
        int heldByConnections = rtsync.registry.all().stream().mapToInt(Connection::subscriptionCount).sum();
        assertThat(held.total()).as("the count equals what the connections hold").isEqualTo(heldByConnections);
        assertThat(rtsync.store.rowCount()).as("and what the store holds").isEqualTo(heldByConnections);
        for (UserId user : userIds) {
            assertThat(held.heldBy(user)).isEqualTo(rtsync.registry.all().stream().filter(c -> c.user().equals(user))
                    .mapToInt(Connection::subscriptionCount).sum());
        }
        tabs.forEach(tab -> rtsync.useCases.disconnect().disconnect(new DisconnectCommand(tab)));
        assertThat(held.total()).isZero();
        assertThat(rtsync.store.rowCount()).isZero();
    }

    private static boolean isWaitingToSubscribe(Thread thread) {
        if (thread.getState() != Thread.State.BLOCKED) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(Connection.class.getName()) && frame.getMethodName().equals("subscribe")) {
                return true;
            }
        }
        return false;
    }

    private ConnectionId connect(UserId user) {
        ConnectionId id = new ConnectionId("conn-" + connectionNumbers.incrementAndGet());
        String token = rtsync.tokens.issue("token-" + id, user, rtsync.clock.instant().plus(Duration.ofHours(1)));
        assertThat(rtsync.useCases.connect().connect(new ConnectCommand(id, token))).isInstanceOf(ConnectResult.Connected.class);
        return id;
    }

    private SubscribeResult subscribe(ConnectionId connection, List<EntityId> ids) {
        return rtsync.useCases.subscribe().subscribe(new SubscribeCommand(connection, PROJECT, ids));
    }

    private void assertSubscribed(ConnectionId connection, int ids) {
        assertThat(subscribe(connection, newEntities(ids))).isEqualTo(new SubscribeResult.Subscribed(ids));
    }

    private ErrorMessage lastError(ConnectionId connection) {
        return rtsync.clients.messagesTo(connection, ErrorMessage.class).getLast();
    }

    private static UserId newUser() {
        return new UserId(UUID.randomUUID());
    }

    private static List<EntityId> newEntities(int count) {
        return IntStream.range(0, count).mapToObj(i -> new EntityId(UUID.randomUUID())).toList();
    }
}
