package dev.rtsync.demo;

/** A request the API refuses with 400 and this message, which names the field at fault. */
final class BadRequestException extends RuntimeException {

    BadRequestException(String message) {
        super(message, null, false, false);
    }
}
