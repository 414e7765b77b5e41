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
 *
 * <p>Connections that get equal batches get one INVALIDATE, fanned out through
 * {@link ClientChannel#fanOut}. A connection's INVALIDATEs of one read go out in the order their
 * batches were first met over all connections; they carry different entity codes, between which
 * the protocol promises no order.
 */
public final class DeliverPendingChangesUseCase {

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
    public void deliverPending() {
        while (true) {
            Instant start = clock.instant();
            List<LoggedChange> rows = changeLog.readPending(batchSize);
            telemetry.logRowsRead(rows.size());
            if (rows.isEmpty()) {
                return;
            }
            deliver(rows);
            Duration took = Duration.between(start, clock.instant());
            telemetry.deliveryRound(took.isNegative() ? Duration.ZERO : took);
            if (rows.size() < batchSize) {
                return;
            }
        }
    }

    private void deliver(List<LoggedChange> rows) {
        Map<ConnectionId, List<LoggedChange>> rowsByConnection = new LinkedHashMap<>();
        for (LoggedChange row : rows) {
            if (row.action().isDelivered()) {
                for (ConnectionId subscriber : row.subscribers()) {
                    rowsByConnection.computeIfAbsent(subscriber, id -> new ArrayList<>()).add(row);
                }
            }
        }
        // Connections that watch the same entities get equal batches: each distinct batch is one
        // message fanned out to all of them (one change to 10,000 connections is encoded once).
        Map<ChangeBatch, List<ConnectionId>> recipientsByBatch = new LinkedHashMap<>();
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
                recipientsByBatch.computeIfAbsent(batch, sameBatch -> new ArrayList<>()).add(entry.getKey());
            }
        }
        Instant now = clock.instant();
        Set<LoggedChange> failed = new HashSet<>();
        int changes = 0;
        for (Map.Entry<ChangeBatch, List<ConnectionId>> fanOut : recipientsByBatch.entrySet()) {
            ChangeBatch batch = fanOut.getKey();
            List<ConnectionId> recipients = fanOut.getValue();
            Set<ConnectionId> refused = clients.fanOut(new Invalidate(batch, now), recipients);
            changes += batch.changes().size() * (recipients.size() - refused.size());
            for (ConnectionId recipient : refused) {
                rowsByConnection.get(recipient).stream()
                        .filter(row -> row.entityCode().equals(batch.entityCode()))
                        .forEach(failed::add);
            }
        }
        changeLog.acknowledge(rows, failed);
        reportDelivered(rows, changes);
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
