package dev.rtsync.application.port.out;

/** Checks a bearer token of the REST API and says whose it is and until when it is valid. */
public interface TokenVerifier {

    /** Never throws for a bad token: every rejection is a {@link TokenVerification.Rejected}. */
    TokenVerification verify(String token);
}
