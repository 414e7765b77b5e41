package dev.rtsync.application.port.out;

import java.util.Optional;

/** Says whether the database behind the other ports can be reached now. */
public interface HealthProbe {

    /** Empty when healthy; otherwise why not, in words an operator can act on. */
    Optional<String> problem();
}
