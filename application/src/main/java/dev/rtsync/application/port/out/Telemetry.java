package dev.rtsync.application.port.out;

import dev.rtsync.application.message.ErrorCode;

import java.time.Duration;

/**
 * What an operator watches: the events the application and the transport report as they happen,
 * so that a metrics system can count them. Every method must return at once and never throw; the
 * service behaves the same with {@link #NONE}.
 *
 * <p>Levels (open connections, subscriptions held, pool usage) are not events: whoever exposes
 * the metrics reads them when it is asked, from the {@link ConnectionLevels} it is handed by
 * {@link #watchConnections} and from the database adapter.
 */
public interface Telemetry {

    /** Reports nothing: for tests and for a service run without metrics. */
    Telemetry NONE = Silent.INSTANCE;

    /** The type {@link #messageReceived} names a frame that was not a known, well-formed message. */
    String UNREADABLE = "UNREADABLE";

    /** From now on, read the connection levels from these whenever they are asked for. */
    default void watchConnections(ConnectionLevels levels) {
    }

    /**
     * A client frame arrived.
     *
     * @param type the message type as on the wire ({@code SUBSCRIBE}, {@code PING}…), or
     *             {@link #UNREADABLE} for a frame that was not a known, well-formed message
     */
    default void messageReceived(String type) {
    }

    /**
     * A WebSocket connection was opened and its token checked.
     *
     * @param admitted true when the Connect use case admitted it, false when it refused it (the
     *                 client is told why and closed)
     */
    default void connectionOpened(boolean admitted) {
    }

    /** A WebSocket connection closed, admitted or not, whoever closed it. */
    default void connectionClosed() {
    }

    /** A new TCP connection was closed at once: too many others were still waiting for their upgrade. */
    default void pendingConnectionRefused() {
    }

    /** A TCP connection was closed because it had not completed its upgrade in time (a slow or silent client). */
    default void pendingConnectionTimedOut() {
    }

    /** A message was queued for a client. @param type the message type as on the wire ({@code INVALIDATE}…) */
    default void messageSent(String type) {
    }

    /** An ERROR was queued for a client (besides being counted by {@link #messageSent}). */
    default void errorSent(ErrorCode code) {
    }

    /** A client was disconnected because it did not read its queued messages. */
    default void slowClientCutOff() {
    }

    /** The change watcher woke up, and why. */
    default void wokeUp(WakeUp cause) {
    }

    /** One read of the change log returned this many rows. */
    default void logRowsRead(int rows) {
    }

    /** This many changes were carried to clients in INVALIDATE messages. */
    default void changesDelivered(int changes) {
    }

    /** How long after it was logged one change-log row was handed to its clients. */
    default void deliveryLag(Duration lag) {
    }

    /**
     * One batch of the change watcher, from the start of its read to the end of its
     * acknowledgement, took this long. Reads that found nothing are not reported: the figure says
     * how long the watcher is busy with rows, which bounds how soon the next rows are read.
     */
    default void deliveryRound(Duration took) {
    }

    /**
     * A heartbeat of this instance went through and saw this many instances alive, this one included.
     * (A level, but one only the heartbeat can read, so it is reported when read.)
     */
    default void instancesAlive(int instances) {
    }

    /** This instance declared this many silent instances dead. */
    default void instancesDeclaredDead(int instances) {
    }

    /** This instance removed rows on behalf of dead instances: subscription rows and reader positions. */
    default void deadInstanceRowsRemoved(int subscriptions, int readers) {
    }

    /** This instance found itself declared dead by another, registered afresh and closed its connections. */
    default void rejoinedAfterDeclaredDead() {
    }

    /** The log's retention deleted this many VIEW rows and this many change rows (one batch). */
    default void logRowsDeleted(int viewRows, int changeRows) {
    }

    /** {@link #NONE}: an enum, so that the port package holds only interfaces, records and enums. */
    enum Silent implements Telemetry {
        INSTANCE
    }
}
