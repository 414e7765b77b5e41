package dev.rtsync.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rtsync.application.port.out.TokenVerification;
import dev.rtsync.application.port.out.TokenVerifier;
import dev.rtsync.domain.UserId;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The demo's REST API, as a team's own API would be: {@code GET/POST/PATCH/DELETE
 * /api/v1/{project|task|employee}[/{id}]} behind a bearer JWT signed with rtsync's secret. It
 * also serves the web app, and (for development only) the demo users' tokens.
 *
 * <p>Errors are JSON {@code {"error": "..."}}: 400 names the field at fault, 401 a missing or
 * refused token, 404 an unknown id, 409 a create with an id that exists.
 */
final class DemoApi {

    private static final Logger LOG = LoggerFactory.getLogger(DemoApi.class);
    private static final String WEB_APP = "/web";

    private final ObjectMapper json = new ObjectMapper();
    private final EntityRepository entities;
    private final TokenVerifier tokens;
    private final DemoUsers users;
    private final int rtsyncPort;
    private final Javalin app;

    DemoApi(String host, int port, EntityRepository entities, TokenVerifier tokens, DemoUsers users, int rtsyncPort) {
        this.entities = entities;
        this.tokens = tokens;
        this.users = users;
        this.rtsyncPort = rtsyncPort;
        boolean webAppBuilt = DemoApi.class.getResource(WEB_APP + "/index.html") != null;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            // Bearer tokens, no cookies: a page on any origin may call the API, and only a token
            // opens it. A team's API lists its own origins instead.
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> rule.anyHost()));
            if (webAppBuilt) {
                config.staticFiles.add(files -> {
                    files.hostedPath = "/";
                    files.directory = WEB_APP;
                    files.location = Location.CLASSPATH;
                });
                config.spaRoot.addFile("/", WEB_APP + "/index.html", Location.CLASSPATH);
            } else {
                config.routes.get("/", ctx -> ctx.contentType("text/plain").result(
                        "The web app is not in this jar: build it with ./mvnw -pl demo -am package (needs Node.js 20)."));
            }
            config.routes.get("/api/v1/demo/config", this::demoConfig);
            config.routes.get("/api/v1/demo/token", this::demoToken);
            for (EntityType type : EntityType.ALL) {
                String path = "/api/v1/" + type.code();
                config.routes.get(path, ctx -> list(ctx, type));
                config.routes.post(path, ctx -> create(ctx, type));
                config.routes.get(path + "/{id}", ctx -> read(ctx, type));
                config.routes.patch(path + "/{id}", ctx -> update(ctx, type));
                config.routes.delete(path + "/{id}", ctx -> delete(ctx, type));
            }
            config.routes.exception(BadRequestException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
            config.routes.exception(NotFoundException.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
            config.routes.exception(ConflictException.class, (e, ctx) -> error(ctx, HttpStatus.CONFLICT, e.getMessage()));
            config.routes.exception(UnauthorizedException.class, (e, ctx) -> {
                ctx.header("WWW-Authenticate", "Bearer");
                error(ctx, HttpStatus.UNAUTHORIZED, e.getMessage());
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");
            });
        });
    }

    DemoApi start() {
        app.start();
        return this;
    }

    int port() {
        return app.port();
    }

    void stop() {
        app.stop();
    }

    // ---- entities ----

    private void list(Context ctx, EntityType type) {
        authenticate(ctx);
        Map<Field, Object> filters = new LinkedHashMap<>();
        int limit = EntityRepository.MAX_LIST;
        for (Map.Entry<String, List<String>> parameter : ctx.queryParamMap().entrySet()) {
            String name = parameter.getKey();
            String value = parameter.getValue().getFirst();
            if (name.equals("limit")) {
                limit = limit(value);
            } else if (type.filters().contains(name)) {
                Field field = type.field(name).orElseThrow();
                filters.put(field, field.parseText(value));
            } else {
                throw new BadRequestException("Unknown query parameter \"" + name + "\"; a " + type.code()
                        + " list takes " + String.join(", ", type.filters()) + " and limit");
            }
        }
        ctx.json(entities.list(type, filters, limit));
    }

    private void read(Context ctx, EntityType type) {
        authenticate(ctx);
        UUID id = id(ctx, type);
        ok(ctx, entities.find(type, id).orElseThrow(() -> notFound(type, id)));
    }

    private void create(Context ctx, EntityType type) {
        UserId user = authenticate(ctx);
        JsonNode body = body(ctx);
        Optional<UUID> id = Optional.ofNullable(body.get("id")).filter(node -> !node.isNull())
                .map(node -> Field.parseUuid("id", node.asText()));
        Map<Field, Object> values = values(type, body, true);
        Map<String, Object> created = entities.insert(user, type, id, values);
        ctx.status(HttpStatus.CREATED).header("Location", "/api/v1/" + type.code() + "/" + created.get("id"));
        ctx.json(created);
    }

    private void update(Context ctx, EntityType type) {
        UserId user = authenticate(ctx);
        UUID id = id(ctx, type);
        Map<Field, Object> values = values(type, body(ctx), false);
        if (values.isEmpty()) {
            throw new BadRequestException("The body names no field to change; a " + type.code() + " has " + type.fieldNames());
        }
        ok(ctx, entities.update(user, type, id, values).orElseThrow(() -> notFound(type, id)));
    }

    private void delete(Context ctx, EntityType type) {
        UserId user = authenticate(ctx);
        UUID id = id(ctx, type);
        if (!entities.delete(user, type, id)) {
            throw notFound(type, id);
        }
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /** The body's fields as column values; every required field on create, any subset on update. */
    private static Map<Field, Object> values(EntityType type, JsonNode body, boolean creating) {
        Map<Field, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (name.equals("id")) {
                if (!creating) {
                    throw new BadRequestException("\"id\" cannot change; it is in the path");
                }
                continue;
            }
            if (name.equals("createdTs") || name.equals("updatedTs")) {
                throw new BadRequestException("\"" + name + "\" is set by the server and cannot be written");
            }
            Field field = type.field(name).orElseThrow(() -> new BadRequestException(
                    "Unknown field \"" + name + "\"; a " + type.code() + " has " + type.fieldNames()));
            values.put(field, field.parse(entry.getValue()));
        }
        if (creating) {
            for (Field field : type.fields()) {
                if (field.required() && !values.containsKey(field)) {
                    throw new BadRequestException("\"" + field.name() + "\" is required");
                }
            }
        }
        return values;
    }

    private JsonNode body(Context ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new BadRequestException("The body is not valid JSON");
        }
        if (body == null || !body.isObject()) {
            throw new BadRequestException("The body must be a JSON object");
        }
        return body;
    }

    private static UUID id(Context ctx, EntityType type) {
        String text = ctx.pathParam("id");
        try {
            return Field.parseUuid("id", text);
        } catch (BadRequestException e) {
            throw new NotFoundException("No " + type.code() + " " + text + ": ids are UUIDs");
        }
    }

    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= EntityRepository.MAX_LIST) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new BadRequestException("\"limit\" must be a whole number from 1 to " + EntityRepository.MAX_LIST);
    }

    private static NotFoundException notFound(EntityType type, UUID id) {
        return new NotFoundException("No " + type.code() + " " + id);
    }

    // ---- authentication ----

    /** The user of the request's bearer token, checked as rtsync checks it (same secret, same verifier). */
    private UserId authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthorizedException("Missing bearer token: send Authorization: Bearer <JWT>");
        }
        return switch (tokens.verify(header.substring(7).strip())) {
            case TokenVerification.Verified verified -> verified.user();
            case TokenVerification.Rejected rejected -> throw new UnauthorizedException("Invalid token: " + rejected.reason());
        };
    }

    // ---- the demo's own endpoints (development only) ----

    /** Where rtsync is and who the demo users are: the page asks once at start. */
    private void demoConfig(Context ctx) {
        String host = Optional.ofNullable(ctx.header("Host")).map(h -> h.replaceFirst(":\\d+$", "")).orElse("localhost");
        String scheme = ctx.scheme().equals("https") ? "wss" : "ws";
        ctx.json(Map.of(
                "rtsyncUrl", scheme + "://" + host + ":" + rtsyncPort,
                "users", DemoUsers.ALL.stream().map(user -> Map.of(
                        "key", user.key(), "id", user.id().toString(), "name", user.name())).toList()));
    }

    /** A fresh token for a demo user: what a real API's sign-in would give. */
    private void demoToken(Context ctx) {
        String key = Optional.ofNullable(ctx.queryParam("user")).orElse("");
        DemoUsers.DemoUser user = DemoUsers.byKey(key).orElseThrow(() -> new BadRequestException(
                "\"user\" must be one of " + String.join(", ", DemoUsers.ALL.stream().map(DemoUsers.DemoUser::key).toList())));
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("token", users.tokenFor(user), "userId", user.id().toString(), "name", user.name()));
    }

    private void ok(Context ctx, Map<String, Object> entity) {
        ctx.json(entity);
    }

    private void error(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(Map.of("error", message));
    }
}
