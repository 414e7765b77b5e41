package dev.rtsync.application.usecase;

import dev.rtsync.application.message.ServerMessage.Invalidate;
import dev.rtsync.application.port.out.ChangeLog;
import dev.rtsync.application.port.out.ClientChannel;
import dev.rtsync.application.port.out.LoggedChange;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.domain.Change;
import dev.rtsync.domain.ChangeBatch;
import dev.rtsync.domain.Connection;
import dev.rtsync.domain.ConnectionId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The design's LogWatcher: reads what the log holds for this instance, sends each open
 * connection one INVALIDATE per entity code, and acknowledges the rows. A change nobody here
 * watches is acknowledged without a message; a row whose message could not be queued for some
 * subscriber is acknowledged as failed (that subscriber is being disconnected, and a client
 * refetches what it shows when it reconnects).
 */
public final class DeliverPendingChangesUseCase {

    /**
     * @param rowsRead        log rows read and acknowledged
     * @param messagesSent    INVALIDATE messages queued
     * @param changesSent     changes carried by those messages
     * @param rowsFailed      rows acknowledged as failed
     * @param oldestLoggedAt  when the oldest row read was logged, for lag measurement
     */
    public record DeliveryReport(int rowsRead, int messagesSent, int changesSent, int rowsFailed,
                                 Optional<Instant> oldestLoggedAt) {

        static final DeliveryReport NOTHING = new DeliveryReport(0, 0, 0, 0, Optional.empty());

        DeliveryReport plus(DeliveryReport other) {
            Optional<Instant> oldest = oldestLoggedAt.isEmpty() ? other.oldestLoggedAt : oldestLoggedAt;
            return new DeliveryReport(rowsRead + other.rowsRead, messagesSent + other.messagesSent,
                    changesSent + other.changesSent, rowsFailed + other.rowsFailed, oldest);
        }
    }

    private final ChangeLog changeLog;
    private final ConnectionRegistry registry;
    private final ClientChannel clients;
    private final Clock clock;
    private final int batchSize;
    private final Telemetry telemetry;

    public DeliverPendingChangesUseCase(ChangeLog changeLog, ConnectionRegistry registry, ClientChannel clients,
                                        Clock clock, int batchSize) {
        this(changeLog, registry, clients, clock, batchSize, Telemetry.NONE);
    }

    /** @param telemetry told of every batch read, the changes delivered and each row's lag */
    public DeliverPendingChangesUseCase(ChangeLog changeLog, ConnectionRegistry registry, ClientChannel clients,
                                        Clock clock, int batchSize, Telemetry telemetry) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        this.changeLog = changeLog;
        this.registry = registry;
        this.clients = clients;
        this.clock = clock;
        this.batchSize = batchSize;
        this.telemetry = telemetry;
    }

    /** Delivers batches until the log holds nothing more for this instance. */
    public DeliveryReport deliverPending() {
        DeliveryReport total = DeliveryReport.NOTHING;
        while (true) {
            Instant start = clock.instant();
            List<LoggedChange> rows = changeLog.readPending(batchSize);
            telemetry.logRowsRead(rows.size());
            if (rows.isEmpty()) {
                return total;
            }
            total = total.plus(deliver(rows));
            Duration took = Duration.between(start, clock.instant());
            telemetry.deliveryRound(took.isNegative() ? Duration.ZERO : took);
            if (rows.size() < batchSize) {
                return total;
            }
        }
    }

    private DeliveryReport deliver(List<LoggedChange> rows) {
        Map<ConnectionId, List<LoggedChange>> rowsByConnection = new LinkedHashMap<>();
        for (LoggedChange row : rows) {
            if (row.action().isDelivered()) {
                for (ConnectionId subscriber : row.subscribers()) {
                    rowsByConnection.computeIfAbsent(subscriber, id -> new ArrayList<>()).add(row);
                }
            }
        }
        Instant now = clock.instant();
        // Connections that watch the same entities get equal batches; they are sent one and the same
        // message, so the channel can encode it once (one change fanned out to 10,000 connections).
        Map<ChangeBatch, Invalidate> messagesByBatch = new HashMap<>();
        Set<LoggedChange> failed = new HashSet<>();
        int messages = 0;
        int changes = 0;
        for (Map.Entry<ConnectionId, List<LoggedChange>> entry : rowsByConnection.entrySet()) {
            Optional<Connection> connection = registry.find(entry.getKey());
            if (connection.isEmpty()) {
                continue; // closed since the rows were read; its stored rows are being removed
            }
            // The connection may have unsubscribed since the rows were read.
            List<Change> watched = new ArrayList<>();
            for (LoggedChange row : entry.getValue()) {
                row.toChange()
                        .filter(change -> connection.get().isSubscribedTo(change.entityCode(), change.entityId()))
                        .ifPresent(watched::add);
            }
            for (ChangeBatch batch : ChangeBatch.group(watched)) {
                Invalidate message = messagesByBatch.computeIfAbsent(batch, sameBatch -> new Invalidate(sameBatch, now));
                if (clients.send(entry.getKey(), message)) {
                    messages++;
                    changes += batch.changes().size();
                } else {
                    entry.getValue().stream()
                            .filter(row -> row.entityCode().equals(batch.entityCode()))
                            .forEach(failed::add);
                }
            }
        }
        changeLog.acknowledge(rows, failed);
        reportDelivered(rows, changes);
        Optional<Instant> oldest = rows.stream().map(LoggedChange::loggedAt).min(Instant::compareTo);
        return new DeliveryReport(rows.size(), messages, changes, failed.size(), oldest);
    }

    /**
     * Each row's lag runs from its {@code loggedAt} (the database clock) to now (this host's
     * clock), after its messages were queued; a negative lag from clock skew counts as zero.
     */
    private void reportDelivered(List<LoggedChange> rows, int changes) {
        telemetry.changesDelivered(changes);
        Instant sent = clock.instant();
        for (LoggedChange row : rows) {
            Duration lag = Duration.between(row.loggedAt(), sent);
            telemetry.deliveryLag(lag.isNegative() ? Duration.ZERO : lag);
        }
    }
}
