package dev.rtsync.adapters.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.application.fake.ForwardingSubscriptionStore;
import dev.rtsync.application.port.out.SubscriptionStore;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.EntityCode;
import dev.rtsync.domain.EntityId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 1: the budgets of database-bound messages, per user across its connections and
 * per instance, and the workers that run those messages off the socket threads. Time stands still
 * unless a test moves it (the server's ticker is the test's), so no assertion depends on how fast
 * the machine is.
 */
class FairnessTest {

    private static final String PING = "{\"type\":\"PING\"}";
    /** Two a second with a burst of ten; the instance's budget is far above. */
    private static final FairnessSettings TWO_PER_SECOND = new FairnessSettings(2, 1_000, 2);

    private final AtomicLong now = new AtomicLong();

    private static String subscribe(EntityId... ids) {
        List<String> quoted = new ArrayList<>();
        for (EntityId id : ids) {
            quoted.add("\"" + id + "\"");
        }
        return "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[" + String.join(",", quoted) + "]}}";
    }

    private static EntityId newId() {
        return new EntityId(UUID.randomUUID());
    }

    private static String typeAndCode(JsonNode message) {
        return message.path("type").asText() + message.path("payload").path("code").asText("");
    }

    @Test
    void a_users_budget_counts_the_messages_of_all_its_connections_and_leaves_other_users_alone() {
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), TWO_PER_SECOND, now::get, UnaryOperator.identity())) {
            UserId alice = ServerFixture.newUser();
            TestClient first = fixture.connect(alice);
            TestClient second = fixture.connect(alice);
            TestClient bob = fixture.connect(ServerFixture.newUser());

            for (int i = 0; i < 5; i++) {
                first.send(subscribe(newId()));
                second.send(subscribe(newId()));
            }
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(typeAndCode(first.next()));
                answers.add(typeAndCode(second.next()));
            }
            assertThat(answers).as("the burst of 10").containsOnly("SUBSCRIBED").hasSize(10);

            bob.send(subscribe(newId()));
            assertThat(bob.next().path("type").asText()).as("another user's budget is its own").isEqualTo("SUBSCRIBED");

            first.send(subscribe(newId()));
            assertThat(first.expectError("OVER_BUDGET").path("payload").path("message").asText())
                    .isEqualTo("At most 2 SUBSCRIBE, UNSUBSCRIBE, UNSUBSCRIBE_ALL and TOKEN_REFRESH per second per user,"
                            + " across its connections; this one was dropped");
            second.send(subscribe(newId()));
            second.expectError("OVER_BUDGET"); // the burst was shared by both connections
            // PING is not database-bound, so never over budget; but a connection told OVER_BUDGET is
            // not read again until its user's budget has a token: the PING waits for it.
            first.send(PING);
            now.addAndGet(Duration.ofMillis(500).toNanos()); // one token
            assertThat(first.next().path("type").asText()).isEqualTo("PONG");

            now.addAndGet(Duration.ofMillis(500).toNanos()); // a second one: two in all
            first.send(subscribe(newId()));
            second.send(subscribe(newId()));
            assertThat(first.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            assertThat(second.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            second.send(subscribe(newId()));
            second.expectError("OVER_BUDGET");
        }
    }

    @Test
    void past_the_instances_budget_every_user_is_told_the_server_is_busy() {
        FairnessSettings instanceOfTwelve = new FairnessSettings(2, 12, 2);
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), instanceOfTwelve, now::get, UnaryOperator.identity());
             TestClient alice = fixture.connect(ServerFixture.newUser());
             TestClient bob = fixture.connect(ServerFixture.newUser())) {
            for (int i = 0; i < 10; i++) {
                alice.send(subscribe(newId()));
                assertThat(alice.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            }
            bob.send(subscribe(newId()));
            bob.send(subscribe(newId()));
            assertThat(bob.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            assertThat(bob.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            bob.send(subscribe(newId()));
            assertThat(bob.expectError("OVER_BUDGET").path("payload").path("message").asText())
                    .isEqualTo("The server is busy; this message was dropped, send it again later");
        }
    }

    @Test
    void a_connection_told_over_budget_is_not_read_until_its_users_budget_has_a_token_again() {
        WebSocketSettings settings = ServerFixture.testSettings().withMaxMessagesPerSecond(10_000);
        try (ServerFixture fixture = new ServerFixture(settings, TWO_PER_SECOND, now::get, UnaryOperator.identity());
             TestClient flooder = fixture.connect(ServerFixture.newUser());
             TestClient other = fixture.connect(ServerFixture.newUser())) {
            for (int i = 0; i < 10; i++) {
                flooder.send(subscribe(newId()));
                assertThat(flooder.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            }
            for (int i = 0; i < 50; i++) {
                flooder.send(subscribe(newId())); // all at once, over budget
            }

            assertThat(typeAndCode(flooder.next())).isEqualTo("ERROROVER_BUDGET");
            other.assertAlive();
            now.addAndGet(Duration.ofMillis(500).toNanos()); // one token
            // Read and refused one by one, the second frame would be refused too. It was left unread
            // until the token came, and takes it; the third, read next, is refused.
            assertThat(flooder.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            assertThat(typeAndCode(flooder.next())).isEqualTo("ERROROVER_BUDGET");
        }
    }

    @Test
    void a_users_connections_waiting_for_its_budget_are_read_again_one_per_token_in_turn() {
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), TWO_PER_SECOND, now::get, UnaryOperator.identity())) {
            UserId alice = ServerFixture.newUser();
            List<TestClient> tabs = List.of(fixture.connect(alice), fixture.connect(alice)); // the most one user may open here
            for (int i = 0; i < TWO_PER_SECOND.userBurst(); i++) {
                tabs.get(0).send(subscribe(newId()));
                assertThat(tabs.get(0).next().path("type").asText()).isEqualTo("SUBSCRIBED");
            }
            for (TestClient tab : tabs) {
                tab.send(subscribe(newId()));
                tab.expectError("OVER_BUDGET");
                tab.send(subscribe(newId())); // not read until a token is its
            }

            // Each token reads one waiting tab (which one first: FairDatabaseWorkTest). Were every
            // waiting tab read at each token, the other would be told OVER_BUDGET again.
            now.addAndGet(Duration.ofMillis(500).toNanos()); // one token
            await().atMost(TestClient.TIMEOUT).until(() -> tabs.stream().anyMatch(tab -> tab.pendingMessages() > 0));
            TestClient first = tabs.stream().filter(tab -> tab.pendingMessages() > 0).findFirst().orElseThrow();
            TestClient other = first == tabs.get(0) ? tabs.get(1) : tabs.get(0);
            assertThat(typeAndCode(first.next())).isEqualTo("SUBSCRIBED");
            now.addAndGet(Duration.ofMillis(500).toNanos()); // the next token
            assertThat(typeAndCode(other.next())).isEqualTo("SUBSCRIBED");
            for (TestClient tab : tabs) {
                tab.assertAlive();
                tab.close();
            }
        }
    }

    @Test
    void a_ping_is_answered_while_the_fair_works_lock_is_held_and_a_subscribe_waits_for_it() throws Exception {
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), TWO_PER_SECOND, now::get, UnaryOperator.identity());
             TestClient pinger = fixture.connect(ServerFixture.newUser());
             TestClient subscriber = fixture.connect(ServerFixture.newUser())) {
            FairDatabaseWork work = fixture.server.databaseWork();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // The lock a flood's frames contend for, held as by a thread the machine does not run.
            Thread holder = Thread.ofPlatform().start(() -> {
                synchronized (work) {
                    held.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            try {
                assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();
                subscriber.send(subscribe(newId()));
                pinger.assertAlive(); // a PING does not look at the budgets
                assertThat(subscriber.pendingMessages()).as("the SUBSCRIBE waits for the lock").isZero();
            } finally {
                release.countDown();
                holder.join();
            }
            assertThat(subscriber.next().path("type").asText()).isEqualTo("SUBSCRIBED");
        }
    }

    @Test
    void over_budget_a_database_bound_frame_is_refused_before_its_payload_is_read() {
        String badIds = "{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"not-a-uuid\"]}}";
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), TWO_PER_SECOND, now::get, UnaryOperator.identity());
             TestClient client = fixture.connect(ServerFixture.newUser())) {
            for (int i = 0; i < 10; i++) {
                client.send(subscribe(newId()));
                assertThat(client.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            }

            client.send(badIds);
            client.expectError("OVER_BUDGET");
            now.addAndGet(Duration.ofMillis(500).toNanos()); // one token: now the payload is read
            client.send(badIds);
            client.expectError("INVALID_ENTITY_ID");
        }
    }

    @Test
    void a_connection_that_keeps_sending_over_budget_is_closed_with_4029_and_its_rows_go() {
        WebSocketSettings settings = ServerFixture.testSettings().withMaxMessagesPerSecond(10_000);
        // A budget that refills faster than strikes are forgiven (10 a second), so that a client
        // that sends two messages for every token earns a strike faster than it loses one.
        FairnessSettings hundredPerSecond = new FairnessSettings(100, 1_000, 2);
        try (ServerFixture fixture = new ServerFixture(settings, hundredPerSecond, now::get, UnaryOperator.identity());
             TestClient flooder = fixture.connect(ServerFixture.newUser());
             TestClient other = fixture.connect(ServerFixture.newUser())) {
            for (int i = 0; i < hundredPerSecond.userBurst(); i++) {
                flooder.send(subscribe(newId()));
                assertThat(flooder.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            }
            int overBudget = 0;
            for (int step = 0; !flooder.isClosed(); step++) {
                assertThat(step).as("closed before the strikes could refill").isLessThan(1_000);
                now.addAndGet(Duration.ofMillis(10).toNanos()); // one token
                try {
                    flooder.send(subscribe(newId()));
                    flooder.send(subscribe(newId()));
                } catch (java.util.concurrent.CompletionException closed) {
                    break;
                }
                await().atMost(TestClient.TIMEOUT).until(() -> flooder.pendingMessages() >= 2 || flooder.isClosed());
                while (flooder.pendingMessages() > 0) {
                    if ("ERROROVER_BUDGET".equals(typeAndCode(flooder.next()))) {
                        overBudget++;
                    }
                }
            }

            assertThat(overBudget).as("told each time before the close").isGreaterThanOrEqualTo(FairnessSettings.STRIKES_BEFORE_CLOSE);
            assertThat(flooder.awaitClose()).isEqualTo(4029);
            assertThat(flooder.closeReason()).isEqualTo("Over budget");
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.registry.connectionCount() == 1);
            assertThat(fixture.rtsync.subscriptionRows.size()).as("the flooder's rows").isZero();
            other.assertAlive();
        }
    }

    @Test
    void while_one_users_database_work_is_stuck_other_users_are_served_and_its_answers_keep_their_order() throws Exception {
        UserId stuckUser = ServerFixture.newUser();
        BlockingStore blocking = new BlockingStore(stuckUser);
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), TWO_PER_SECOND, now::get, blocking::around);
             TestClient stuck = fixture.connect(stuckUser);
             TestClient stucksOtherTab = fixture.connect(stuckUser);
             TestClient other = fixture.connect(ServerFixture.newUser())) {
            stuck.send(subscribe(newId()));
            assertThat(blocking.entered.await(20, TimeUnit.SECONDS)).as("the stuck user's SUBSCRIBE reached the store").isTrue();
            stuck.send(subscribe(newId())); // waits behind its own first one
            stuck.send(PING);               // and so does its PING: answers keep the order of the messages

            other.assertAlive();
            other.send(subscribe(newId()));
            assertThat(other.next().path("type").asText()).as("another user's SUBSCRIBE, on the other worker").isEqualTo("SUBSCRIBED");
            stucksOtherTab.assertAlive(); // a connection with nothing queued is answered at once
            assertThat(stuck.pendingMessages()).isZero();

            blocking.release.countDown();
            assertThat(stuck.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            assertThat(stuck.next().path("type").asText()).isEqualTo("SUBSCRIBED");
            assertThat(stuck.next().path("type").asText()).isEqualTo("PONG");
        }
    }

    @Test
    void a_connection_that_closes_while_its_subscribe_waits_for_the_store_leaves_no_rows() throws Exception {
        UserId stuckUser = ServerFixture.newUser();
        BlockingStore blocking = new BlockingStore(stuckUser);
        try (ServerFixture fixture = new ServerFixture(ServerFixture.testSettings(), TWO_PER_SECOND, now::get, blocking::around)) {
            TestClient stuck = fixture.connect(stuckUser);
            stuck.send(subscribe(newId()));
            assertThat(blocking.entered.await(20, TimeUnit.SECONDS)).isTrue();
            stuck.send(subscribe(newId(), newId())); // queued behind the first
            stuck.close(); // read once the first is done: with two messages waiting, the connection is not read

            blocking.release.countDown();
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.clients.openSessions() == 0);
            await().atMost(TestClient.TIMEOUT).until(() -> fixture.rtsync.registry.connectionCount() == 0);
            assertThat(fixture.rtsync.subscriptionRows.size()).isZero();
        }
    }

    /** The in-memory store, except that the first add of one user waits until the test releases it. */
    private static final class BlockingStore {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final UserId user;

        BlockingStore(UserId user) {
            this.user = user;
        }

        SubscriptionStore around(SubscriptionStore store) {
            return new ForwardingSubscriptionStore(store) {
                @Override
                public void add(ConnectionId connection, UserId owner, EntityCode code, Collection<EntityId> ids) {
                    if (owner.equals(user) && entered.getCount() > 0) {
                        entered.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    super.add(connection, owner, code, ids);
                }
            };
        }
    }
}
