package dev.rtsync.benchmarks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The tool's one safety rule: it only ever talks to this machine. A host is accepted when it is
 * {@code localhost}, an IPv4 literal in 127.0.0.0/8 or the IPv6 literal {@code ::1}; names are
 * never resolved, so nothing outside loopback can slip in through DNS.
 */
final class Loopback {

    private Loopback() {
    }

    /** Whether {@code host} (as written in a URL, IPv6 possibly in brackets) names this machine. */
    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.equals("::1") || h.equalsIgnoreCase("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return parts[0].equals("127");
    }

    /** Returns the host's address, or refuses with a message naming the rule. */
    static InetAddress require(String what, String host) {
        if (!isLoopback(host)) {
            throw new UsageException(what + " must be on this machine (127.x.x.x, ::1 or localhost), not " + host
                    + ": the load tool only ever talks to loopback");
        }
        String h = host.strip();
        if (h.startsWith("[")) {
            h = h.substring(1, h.length() - 1);
        }
        try {
            return h.equalsIgnoreCase("localhost") ? InetAddress.getLoopbackAddress() : InetAddress.getByName(h);
        } catch (UnknownHostException e) {
            throw new UsageException(what + " is not an address: " + host);
        }
    }
}
