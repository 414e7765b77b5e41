package dev.rtsync.bootstrap;

/** A setting has a value the service cannot run with; the message is the one line an operator sees. */
public final class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }
}
