package dev.rtsync.bootstrap.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rtsync.adapters.postgres.testing.PostgresTestDatabase;
import dev.rtsync.adapters.postgres.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first finding, through the real wiring: a change reaches the browser when its
 * transaction commits, while another writing transaction stays open, in another database of the
 * same server or in this one. The tests assert the order of events (the INVALIDATE arrives while
 * that transaction is still open), not a duration.
 */
class DeliveryDuringLongTransactionsTest {

    @RegisterExtension
    static final PostgresTestDatabase DB = PostgresTestDatabase.truncatedBeforeEach();
    private static final RestApi api = new RestApi(DB::connect);

    @RegisterExtension
    final RunningInstance rtsync = new RunningInstance(DB, "e2e-long-transactions");
    private final UUID alice = UUID.randomUUID();

    private void awaitLogDelivered() {
        await().atMost(Duration.ofSeconds(10)).until(() -> api.logRowsWithStatus("pending") == 0);
    }

    @Test
    void a_write_transaction_open_in_another_database_does_not_hold_the_invalidate_back() throws SQLException {
        UUID project = api.createProject(alice, "watched");
        awaitLogDelivered();
        try (TestDatabase elsewhere = TestDatabase.create();
             Connection batchJob = elsewhere.connect();
             Statement statement = batchJob.createStatement();
             Browser tab = rtsync.openTab(alice)) {
            tab.subscribe("project", List.of(project));
            batchJob.setAutoCommit(false);
            statement.execute("CREATE TABLE nightly_import (id int)");
            statement.execute("INSERT INTO nightly_import VALUES (1)");

            api.renameProject(alice, project, "renamed while the batch job runs");
            Browser.Received invalidate = tab.next("INVALIDATE");

            assertThat(transactionIdOf(batchJob)).as("the other database's transaction is still open at arrival").isNotNull();
            assertThat(invalidate.payload().path("changes").findValuesAsText("entityId")).containsExactly(project.toString());
            batchJob.commit();
        }
    }

    @Test
    void a_long_transaction_writing_to_the_log_holds_nothing_back_and_its_own_change_arrives_at_its_commit() throws SQLException {
        UUID quick = api.createProject(alice, "quick");
        UUID slow = api.createProject(alice, "slow");
        awaitLogDelivered();
        try (Connection longTransaction = DB.connect(); Browser tab = rtsync.openTab(alice)) {
            tab.subscribe("project", List.of(quick, slow));
            longTransaction.setAutoCommit(false);
            try (PreparedStatement update = longTransaction.prepareStatement("UPDATE app.project SET name = 'slowly' WHERE id = ?")) {
                update.setObject(1, slow);
                update.executeUpdate(); // its trigger writes to app.logging, uncommitted
            }

            api.renameProject(alice, quick, "quickly");
            Browser.Received quickInvalidate = tab.next("INVALIDATE");
            String stillOpen = transactionIdOf(longTransaction);
            longTransaction.commit();
            Browser.Received slowInvalidate = tab.next("INVALIDATE");

            assertThat(stillOpen).as("the long transaction is still open when the other change arrives").isNotNull();
            assertThat(quickInvalidate.payload().path("changes").findValuesAsText("entityId")).containsExactly(quick.toString());
            assertThat(slowInvalidate.payload().path("changes").findValuesAsText("entityId")).containsExactly(slow.toString());
            assertThat(slowInvalidate.payload().path("changes").get(0).path("version").asLong()).isEqualTo(api.latestVersion(slow));

            // Each change once: after both are delivered, a later change of the quick project is the
            // next message; a second INVALIDATE of either would have come before it.
            awaitLogDelivered();
            api.renameProject(alice, quick, "quickly again");
            JsonNode sentinel = tab.next("INVALIDATE").payload().path("changes");
            assertThat(sentinel.findValuesAsText("entityId")).as("each change once").containsExactly(quick.toString());
            assertThat(sentinel.get(0).path("version").asLong()).as("each change once").isEqualTo(api.latestVersion(quick));
        }
    }

    private static String transactionIdOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_current_xact_id_if_assigned()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
