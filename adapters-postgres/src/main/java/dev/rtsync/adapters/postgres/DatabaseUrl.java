package dev.rtsync.adapters.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A database address in the form of {@code DATABASE_URL}: {@code postgresql://user:pass@host:port/db?sslmode=require}
 * (libpq's URI form, not JDBC). {@link #jdbcUrl()}, {@link #user()} and {@link #password()} are what the
 * JDBC driver needs. Query parameters pass through to the driver; the libpq names
 * {@code connect_timeout} and {@code application_name} become the driver's names.
 *
 * @param password empty when the URI has none (trust or peer authentication, a {@code .pgpass})
 * @param parameters query parameters in their order, with the driver's names
 */
public record DatabaseUrl(String host, int port, String database, String user, Optional<String> password,
                          Map<String, String> parameters) {

    private static final int DEFAULT_PORT = 5432;
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName");

    public DatabaseUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses a {@code postgresql://} (or {@code postgres://}) URI.
     *
     * @throws IllegalArgumentException saying what is wrong, never echoing the password
     */
    public static DatabaseUrl parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("database URL is empty: expected postgresql://user:password@host:5432/database");
        }
        URI parsed;
        try {
            parsed = new URI(uri.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database URL is not a valid URI (percent-encode special characters"
                    + " in user and password): " + e.getReason(), null);
        }
        String scheme = parsed.getScheme();
        if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
            throw new IllegalArgumentException("database URL must start with postgresql:// (it is not a jdbc: URL)"
                    + ", for example postgresql://user:password@host:5432/database");
        }
        if (parsed.getRawAuthority() != null && parsed.getRawAuthority().contains(",")) {
            throw new IllegalArgumentException("database URL names several hosts; rtsync supports one");
        }
        String host = parsed.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("database URL names no host: postgresql://user:password@HOST:5432/database");
        }
        int port = parsed.getPort() == -1 ? DEFAULT_PORT : parsed.getPort();
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("database URL names no database: postgresql://user:password@host:5432/DATABASE");
        }
        String userInfo = parsed.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty() || userInfo.startsWith(":")) {
            throw new IllegalArgumentException("database URL names no user: postgresql://USER:password@host:5432/database");
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        Optional<String> password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        return new DatabaseUrl(host, port, database, user, password, parameters(parsed.getRawQuery()));
    }

    /** The driver's URL, with the query parameters but without user and password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database) + query();
    }

    /** The same server and credentials, another database: how tests get a database of their own. */
    public DatabaseUrl withDatabase(String otherDatabase) {
        return new DatabaseUrl(host, port, otherDatabase, user, password, parameters);
    }

    /** Back to the {@code postgresql://} form, password included: for handing to another process, never for logs. */
    public String toUri() {
        String credentials = encode(user) + password.map(p -> ":" + encode(p)).orElse("");
        return "postgresql://" + credentials + "@" + host + ":" + port + "/" + encode(database) + query();
    }

    /** Safe to log: the password is masked. */
    @Override
    public String toString() {
        return "postgresql://" + user + password.map(p -> ":***").orElse("") + "@" + host + ":" + port + "/" + database + query();
    }

    private String query() {
        if (parameters.isEmpty()) {
            return "";
        }
        return parameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("database URL has a query parameter without a value: " + decode(pair)
                        + " (expected name=value, such as sslmode=require)");
            }
            String name = decode(pair.substring(0, equals));
            if (name.equals("user") || name.equals("password")) {
                throw new IllegalArgumentException("database URL gives the " + name
                        + " as a query parameter: put it before the host (postgresql://user:password@host/db)");
            }
            parameters.put(LIBPQ_TO_JDBC.getOrDefault(name, name), decode(pair.substring(equals + 1)));
        }
        return parameters;
    }

    private static String decode(String text) {
        // URLDecoder turns '+' into a space, which a URI's path and user info do not mean.
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
