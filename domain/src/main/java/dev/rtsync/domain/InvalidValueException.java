package dev.rtsync.domain;

/**
 * A value from outside (a message, a token, a log row) that breaks a domain rule. Its message
 * says what was expected and never repeats the rejected input, which may be large or secret.
 */
public final class InvalidValueException extends IllegalArgumentException {

    public InvalidValueException(String message) {
        super(message);
    }
}
