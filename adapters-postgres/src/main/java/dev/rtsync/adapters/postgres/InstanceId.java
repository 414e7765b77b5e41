package dev.rtsync.adapters.postgres;

/**
 * The name of one rtsync instance among those sharing a database: the {@code instance_id} of
 * its subscription rows and of its reader position. It must stay the same across restarts of
 * that instance (so a restart finds what the crashed run left) and differ between instances
 * running at the same time.
 */
record InstanceId(String value) {

    static final int MAX_LENGTH = 100;

    InstanceId {
        if (value == null || value.isBlank() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("instance id must be 1 to " + MAX_LENGTH + " characters, such as the host name");
        }
    }
}
