package dev.rtsync.benchmarks;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code DATABASE_URL} as the service reads it ({@code postgresql://user:pass@host:port/db}),
 * turned into what JDBC wants. The host must be loopback.
 */
record DatabaseUrl(String jdbcUrl, String user, String password) {

    static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new UsageException("DATABASE_URL is not set: give it as postgresql://user:pass@127.0.0.1:5432/db"
                    + " (the database the running rtsync reads)");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new UsageException("DATABASE_URL is not a URI: expected postgresql://user:pass@host:port/db");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new UsageException("DATABASE_URL must start with postgresql:// (got " + uri.getScheme() + "://)");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new UsageException("DATABASE_URL has no host: expected postgresql://user:pass@host:port/db");
        }
        Loopback.require("The database in DATABASE_URL", host);
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty()) {
            throw new UsageException("DATABASE_URL names no database: expected postgresql://user:pass@host:port/db");
        }
        String user = "";
        String password = "";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl("jdbc:postgresql://" + hostPart + ":" + port + "/" + database + query, user, password);
    }

    /** The same server and user, another database (for a transaction held open elsewhere). */
    DatabaseUrl withDatabase(String database) {
        if (!database.matches("[A-Za-z0-9_]+")) {
            throw new UsageException("a database name of letters, digits and underscores, not " + database);
        }
        return new DatabaseUrl(jdbcUrl.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database), user, password);
    }

    /** A plain connection, as the tool's other connections, outside any pool. */
    java.sql.Connection connect() throws java.sql.SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", PostgresCpu.TOOL_APPLICATION);
        return java.sql.DriverManager.getConnection(jdbcUrl, props);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + user + "]"; // never the password
    }
}
