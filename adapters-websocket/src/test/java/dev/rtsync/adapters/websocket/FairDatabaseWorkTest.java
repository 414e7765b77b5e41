package dev.rtsync.adapters.websocket;

import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@link FairDatabaseWork} reads again the connections that wait for their user's budget: one
 * per token, longest waiting first, the others charged a strike for each token given to another
 * (issue 14). Time stands still unless the test moves it.
 */
class FairDatabaseWorkTest {

    private static final FairnessSettings TWO_PER_SECOND = new FairnessSettings(2, 1_000, 1);
    private static final Duration ONE_TOKEN = Duration.ofMillis(500);

    private final AtomicLong now = new AtomicLong();
    private final List<String> resumed = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();

    @Test
    void each_token_reads_one_waiting_connection_and_charges_the_others_a_strike_until_they_run_out() {
        FairDatabaseWork work = new FairDatabaseWork(TWO_PER_SECOND, now::get);
        try {
            UserId alice = ServerFixture.newUser();
            work.opened(alice);
            for (int i = 0; i < TWO_PER_SECOND.userBurst(); i++) {
                assertThat(work.submit(alice, () -> { })).isEqualTo(FairDatabaseWork.Admission.QUEUED);
            }
            Connection first = new Connection(work, alice, "first", 10);
            Connection second = new Connection(work, alice, "second", 10);
            Connection third = new Connection(work, alice, "third", 0);
            work.whenBudget(alice, first);
            work.whenBudget(alice, second);
            work.whenBudget(alice, third);

            now.addAndGet(ONE_TOKEN.toNanos());
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 1 && closed.size() == 1);
            assertThat(resumed).containsExactly("first");
            assertThat(closed).as("no strike left: closed without being read").containsExactly("third");
            assertThat(second.passedOver).hasValue(1);

            now.addAndGet(ONE_TOKEN.toNanos());
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 2);
            assertThat(resumed).containsExactly("first", "second");
            assertThat(second.passedOver).as("charged only while it waited").hasValue(1);
            assertThat(closed).containsExactly("third");
        } finally {
            work.stop(Duration.ofSeconds(5));
        }
    }

    /** A connection that, read again, sends a database-bound message at once: it takes the token. */
    private final class Connection implements FairDatabaseWork.BudgetWaiter {
        final FairDatabaseWork work;
        final UserId user;
        final String name;
        final AtomicInteger strikes;
        final AtomicInteger passedOver = new AtomicInteger();

        Connection(FairDatabaseWork work, UserId user, String name, int strikes) {
            this.work = work;
            this.user = user;
            this.name = name;
            this.strikes = new AtomicInteger(strikes);
        }

        @Override
        public void resumeForBudget() {
            resumed.add(name);
            assertThat(work.submit(user, () -> { })).isEqualTo(FairDatabaseWork.Admission.QUEUED);
            work.readAfterBudget(user);
        }

        @Override
        public boolean passedOver(int tokens) {
            passedOver.addAndGet(tokens);
            return strikes.addAndGet(-tokens) >= 0;
        }

        @Override
        public void closeOverBudget() {
            closed.add(name);
        }
    }
}
