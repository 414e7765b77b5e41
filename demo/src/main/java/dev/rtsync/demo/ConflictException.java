package dev.rtsync.demo;

/** A create with an id that exists already: 409 with this message. */
final class ConflictException extends RuntimeException {

    ConflictException(String message) {
        super(message, null, false, false);
    }
}
