package dev.rtsync.adapters.websocket;

import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@link FairDatabaseWork} reads again the connections that wait for their user's budget: one
 * per token, longest waiting first (issue 14). Time stands still unless the test moves it.
 */
class FairDatabaseWorkTest {

    private static final FairnessSettings TWO_PER_SECOND = new FairnessSettings(2, 1_000, 1);
    private static final Duration ONE_TOKEN = Duration.ofMillis(500);

    private final AtomicLong now = new AtomicLong();
    private final List<String> resumed = new CopyOnWriteArrayList<>();
    private final List<FairDatabaseWork.Admission> admissions = new CopyOnWriteArrayList<>();

    @Test
    void each_token_reads_one_waiting_connection_the_one_that_waited_longest() {
        FairDatabaseWork work = new FairDatabaseWork(TWO_PER_SECOND, now::get);
        try {
            UserId alice = ServerFixture.newUser();
            work.opened(alice);
            for (int i = 0; i < TWO_PER_SECOND.userBurst(); i++) {
                assertThat(work.submit(alice, () -> { })).isEqualTo(FairDatabaseWork.Admission.QUEUED);
            }
            work.whenBudget(alice, new Connection(work, alice, "first"));
            work.whenBudget(alice, new Connection(work, alice, "second"));
            work.whenBudget(alice, new Connection(work, alice, "third"));

            now.addAndGet(ONE_TOKEN.toNanos());
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 1);
            now.addAndGet(ONE_TOKEN.toNanos());
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 2);
            now.addAndGet(ONE_TOKEN.toNanos());
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 3);
            assertThat(resumed).containsExactly("first", "second", "third");
        } finally {
            work.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void no_other_connection_is_read_until_the_one_resumed_has_read_its_next_frame() {
        FairDatabaseWork work = new FairDatabaseWork(TWO_PER_SECOND, now::get);
        try {
            UserId alice = ServerFixture.newUser();
            work.opened(alice);
            for (int i = 0; i < TWO_PER_SECOND.userBurst() - 1; i++) {
                assertThat(work.submit(alice, () -> { })).isEqualTo(FairDatabaseWork.Admission.QUEUED);
            }
            now.addAndGet(ONE_TOKEN.toNanos()); // two tokens: the one left of the burst and a new one
            Connection slow = new Connection(work, alice, "slow");
            slow.sendsAtOnce = false;
            work.whenBudget(alice, slow);
            work.whenBudget(alice, new Connection(work, alice, "second"));
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 2);
            assertThat(resumed).as("two tokens, two connections").containsExactly("slow", "second");

            // One token; the connection it resumes has not read yet: the budget still holds the
            // token, but it is that connection's.
            while (work.submit(alice, () -> { }) == FairDatabaseWork.Admission.QUEUED) { } // spend what is left
            Connection late = new Connection(work, alice, "late");
            late.sendsAtOnce = false;
            work.whenBudget(alice, late);
            work.whenBudget(alice, new Connection(work, alice, "after"));
            now.addAndGet(ONE_TOKEN.toNanos());
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 3);
            // However long late takes to read its frame, the token waits for it.
            assertThat(work.submit(alice, () -> { })).as("late's frame").isEqualTo(FairDatabaseWork.Admission.QUEUED);
            work.readAfterBudget(alice);
            now.addAndGet(ONE_TOKEN.toNanos());
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.size() == 4);
            assertThat(resumed).containsExactly("slow", "second", "late", "after");
            assertThat(admissions).as("each connection resumed found its token").containsOnly(FairDatabaseWork.Admission.QUEUED);
        } finally {
            work.stop(Duration.ofSeconds(5));
        }
    }

    /** A connection that, read again, sends a database-bound message at once (it takes the token), or reads nothing yet. */
    private final class Connection implements FairDatabaseWork.BudgetWaiter {
        final FairDatabaseWork work;
        final UserId user;
        final String name;
        boolean sendsAtOnce = true;

        Connection(FairDatabaseWork work, UserId user, String name) {
            this.work = work;
            this.user = user;
            this.name = name;
        }

        @Override
        public void resumeForBudget() {
            resumed.add(name);
            if (sendsAtOnce) {
                admissions.add(work.submit(user, () -> { }));
                work.readAfterBudget(user);
            }
        }
    }
}
