package dev.rtsync.demo;

/** A request for an entity that does not exist: 404 with this message. */
final class NotFoundException extends RuntimeException {

    NotFoundException(String message) {
        super(message, null, false, false);
    }
}
