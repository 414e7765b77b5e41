package dev.rtsync.benchmarks;

/** A mistake in how the tool was started or what it found; its message is all the user needs. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
