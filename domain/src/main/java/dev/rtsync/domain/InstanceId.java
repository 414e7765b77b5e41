package dev.rtsync.domain;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The name of one rtsync instance among those sharing a database: the {@code instance_id} of its
 * subscription rows, its reader position and its liveness row. It must differ between instances
 * running at the same time (two instances with one id would share a reader position and each
 * skip what the other acknowledged); it need not survive a restart. At most {@value #MAX_LENGTH}
 * characters of letters, digits, {@code .}, {@code _}, {@code :} and {@code -}, so it fits the
 * {@code varchar(100)} columns and reads safely in a log line.
 *
 * <p>This is the one rule: {@code RTSYNC_INSTANCE_ID}, the PostgreSQL adapters and docs/database.md
 * all defer to it.
 */
public record InstanceId(String value) {

    public static final int MAX_LENGTH = 64;
    /** What an id must be, for error messages that name the setting it came from. */
    public static final String RULE = "1 to " + MAX_LENGTH + " characters of letters, digits, '.', '_', ':' and '-'";
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9._:-]+");
    private static final int RANDOM_BYTES = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    public InstanceId {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !FORM.matcher(value).matches()) {
            throw new InvalidValueException("instance id must be " + RULE);
        }
    }

    /**
     * A new id for one run on the host: {@code <hostname>-<12 hex digits>}. The host name tells an
     * operator where the instance runs (characters the rule does not allow become {@code -}); the
     * random part makes the id new at every start, as instances come and go under pod names that are
     * reused or change.
     */
    public static InstanceId randomOn(String hostname) {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        String suffix = "-" + HexFormat.of().formatHex(random);
        String host = hostname == null || hostname.isEmpty() ? "localhost" : hostname.replaceAll("[^A-Za-z0-9._:-]", "-");
        return new InstanceId(host.substring(0, Math.min(host.length(), MAX_LENGTH - suffix.length())) + suffix);
    }

    @Override
    public String toString() {
        return value;
    }
}
