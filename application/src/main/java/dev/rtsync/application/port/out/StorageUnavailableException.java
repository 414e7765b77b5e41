package dev.rtsync.application.port.out;

/**
 * The store behind a port cannot be reached right now (the database is down, the pool is
 * exhausted). Use cases answer the client with {@code UNAVAILABLE} and go on; nothing is lost.
 */
public final class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
