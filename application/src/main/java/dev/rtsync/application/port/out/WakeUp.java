package dev.rtsync.application.port.out;

/** Why the change watcher woke up. */
public enum WakeUp {
    /** The log said a change was committed. */
    NOTIFIED,
    /** Nothing was heard for the fallback interval; look anyway, in case a notification was lost. */
    FALLBACK_POLL
}
