package dev.rtsync.application.fake;

import dev.rtsync.application.message.ErrorCode;
import dev.rtsync.application.port.out.Telemetry;
import dev.rtsync.application.port.out.WakeUp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Telemetry} that records every event it is told, in order, so tests assert on what was
 * reported. Thread-safe: transport threads and the watcher report at once.
 */
public final class RecordingTelemetry implements Telemetry {

    public final List<String> received = new CopyOnWriteArrayList<>();
    public final List<String> sent = new CopyOnWriteArrayList<>();
    public final List<ErrorCode> errors = new CopyOnWriteArrayList<>();
    public final AtomicInteger slowClients = new AtomicInteger();
    public final AtomicInteger connectionsAdmitted = new AtomicInteger();
    public final AtomicInteger connectionsRefused = new AtomicInteger();
    public final AtomicInteger connectionsClosed = new AtomicInteger();
    public final AtomicInteger pendingRefused = new AtomicInteger();
    public final AtomicInteger pendingTimedOut = new AtomicInteger();
    public final List<WakeUp> wakeUps = new CopyOnWriteArrayList<>();
    public final List<Integer> rowsRead = new CopyOnWriteArrayList<>();
    public final List<Integer> changesDelivered = new CopyOnWriteArrayList<>();
    public final List<Duration> lags = new CopyOnWriteArrayList<>();
    public final List<Duration> rounds = new CopyOnWriteArrayList<>();
    public final List<Integer> instancesAlive = new CopyOnWriteArrayList<>();
    public final AtomicInteger instancesDeclaredDead = new AtomicInteger();
    public final AtomicInteger deadSubscriptionsRemoved = new AtomicInteger();
    public final AtomicInteger deadReadersRemoved = new AtomicInteger();
    public final AtomicInteger rejoins = new AtomicInteger();
    /** Per retention batch: VIEW rows, change rows. */
    public final List<List<Integer>> rowsDeleted = new CopyOnWriteArrayList<>();

    @Override
    public void messageReceived(String type) {
        received.add(type);
    }

    @Override
    public void connectionOpened(boolean admitted) {
        (admitted ? connectionsAdmitted : connectionsRefused).incrementAndGet();
    }

    @Override
    public void connectionClosed() {
        connectionsClosed.incrementAndGet();
    }

    @Override
    public void pendingConnectionRefused() {
        pendingRefused.incrementAndGet();
    }

    @Override
    public void pendingConnectionTimedOut() {
        pendingTimedOut.incrementAndGet();
    }

    @Override
    public void messageSent(String type) {
        sent.add(type);
    }

    @Override
    public void errorSent(ErrorCode code) {
        errors.add(code);
    }

    @Override
    public void slowClientCutOff() {
        slowClients.incrementAndGet();
    }

    @Override
    public void wokeUp(WakeUp cause) {
        wakeUps.add(cause);
    }

    @Override
    public void logRowsRead(int rows) {
        rowsRead.add(rows);
    }

    @Override
    public void changesDelivered(int changes) {
        changesDelivered.add(changes);
    }

    @Override
    public void deliveryLag(Duration lag) {
        lags.add(lag);
    }

    @Override
    public void deliveryRound(Duration took) {
        rounds.add(took);
    }

    @Override
    public void instancesAlive(int instances) {
        instancesAlive.add(instances);
    }

    @Override
    public void instancesDeclaredDead(int instances) {
        instancesDeclaredDead.addAndGet(instances);
    }

    @Override
    public void deadInstanceRowsRemoved(int subscriptions, int readers) {
        deadSubscriptionsRemoved.addAndGet(subscriptions);
        deadReadersRemoved.addAndGet(readers);
    }

    @Override
    public void rejoinedAfterDeclaredDead() {
        rejoins.incrementAndGet();
    }

    public void logRowsDeleted(int viewRows, int changeRows) {
        rowsDeleted.add(List.of(viewRows, changeRows));
    }
}
