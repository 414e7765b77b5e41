package dev.rtsync.demo;

/** A request without an acceptable bearer token: 401 with this message (never the token). */
final class UnauthorizedException extends RuntimeException {

    UnauthorizedException(String message) {
        super(message, null, false, false);
    }
}
