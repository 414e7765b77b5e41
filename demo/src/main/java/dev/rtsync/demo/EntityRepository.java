package dev.rtsync.demo;

import dev.rtsync.domain.UserId;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads and writes the entity tables with JDBI. Every write runs in a transaction that first says
 * who is writing ({@link #inWriteTransaction}), so the trigger that logs the change for rtsync
 * records the user: the one thing a team's own API must copy.
 */
final class EntityRepository {

    /** The most rows one list returns. */
    static final int MAX_LIST = 1_000;

    private final Jdbi jdbi;

    EntityRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Runs the work in one transaction whose first statement is {@code SET LOCAL
     * app.current_user_id}: {@code app.log_entity_change()} reads it into {@code
     * app.logging.person_id}. {@code SET LOCAL} ends with the transaction, so a pooled
     * connection never carries one user's id into another user's request.
     */
    <T> T inWriteTransaction(UserId user, Function<Handle, T> work) {
        return jdbi.inTransaction(handle -> {
            // SET takes no bind parameters; the value is a parsed UUID, so it is hex digits and dashes only.
            handle.execute("SET LOCAL app.current_user_id = '" + user.value() + "'");
            return work.apply(handle);
        });
    }

    List<Map<String, Object>> list(EntityType type, Map<Field, Object> filters, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM " + type.table());
        List<String> conditions = new ArrayList<>();
        filters.keySet().forEach(field -> conditions.add(field.column() + " = CAST(:" + field.name() + " AS " + field.kind().sqlType + ")"));
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        sql.append(" ORDER BY created_ts, id LIMIT :limit");
        return jdbi.withHandle(handle -> {
            Query query = handle.createQuery(sql.toString()).bind("limit", limit);
            filters.forEach((field, value) -> query.bind(field.name(), value));
            return query.mapToMap().list().stream().map(row -> toJson(type, row)).toList();
        });
    }

    Optional<Map<String, Object>> find(EntityType type, UUID id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT * FROM " + type.table() + " WHERE id = :id")
                .bind("id", id)
                .mapToMap().findOne().map(row -> toJson(type, row)));
    }

    /** Inserts the row; {@code values} holds a value (possibly null) for some fields, and perhaps the id. */
    Map<String, Object> insert(UserId user, EntityType type, Optional<UUID> id, Map<Field, Object> values) {
        return inWriteTransaction(user, handle -> {
            checkReferences(handle, type, values);
            List<String> columns = new ArrayList<>();
            List<String> params = new ArrayList<>();
            id.ifPresent(given -> {
                columns.add("id");
                params.add(":id");
            });
            values.keySet().forEach(field -> {
                columns.add(field.column());
                params.add("CAST(:" + field.name() + " AS " + field.kind().sqlType + ")");
            });
            String sql = "INSERT INTO " + type.table() + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", params) + ") ON CONFLICT (id) DO NOTHING RETURNING *";
            var insert = handle.createQuery(sql);
            id.ifPresent(given -> insert.bind("id", given));
            bindValues(insert, values);
            return insert.mapToMap().findOne().map(row -> toJson(type, row))
                    .orElseThrow(() -> new ConflictException("A " + type.code() + " with id " + id.orElseThrow() + " exists already"));
        });
    }

    Optional<Map<String, Object>> update(UserId user, EntityType type, UUID id, Map<Field, Object> values) {
        return inWriteTransaction(user, handle -> {
            checkReferences(handle, type, values);
            String assignments = values.keySet().stream()
                    .map(field -> field.column() + " = CAST(:" + field.name() + " AS " + field.kind().sqlType + ")")
                    .collect(Collectors.joining(", "));
            var update = handle.createQuery("UPDATE " + type.table() + " SET " + assignments + " WHERE id = :id RETURNING *")
                    .bind("id", id);
            bindValues(update, values);
            return update.mapToMap().findOne().map(row -> toJson(type, row));
        });
    }

    /** Deletes the row; a project takes its tasks with it, in the same transaction (each is logged). */
    boolean delete(UserId user, EntityType type, UUID id) {
        return inWriteTransaction(user, handle -> {
            int deleted = handle.createUpdate("DELETE FROM " + type.table() + " WHERE id = :id").bind("id", id).execute();
            if (deleted > 0 && type.equals(EntityType.PROJECT)) {
                handle.createUpdate("DELETE FROM app.task WHERE project_id = :id").bind("id", id).execute();
            }
            return deleted > 0;
        });
    }

    private static void checkReferences(Handle handle, EntityType type, Map<Field, Object> values) {
        if (type.equals(EntityType.TASK)) {
            Object project = values.get(EntityType.TASK.field("projectId").orElseThrow());
            if (project != null && handle.createQuery("SELECT count(*) FROM app.project WHERE id = :id")
                    .bind("id", project).mapTo(Integer.class).one() == 0) {
                throw new BadRequestException("\"projectId\" names no project: " + project);
            }
        }
    }

    private static void bindValues(SqlStatement<?> statement, Map<Field, Object> values) {
        values.forEach((field, value) -> statement.bind(field.name(), value));
    }

    /** A row as the API writes it: id, the fields by their JSON names, and the two timestamps. */
    private static Map<String, Object> toJson(EntityType type, Map<String, Object> row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", row.get("id").toString());
        for (Field field : type.fields()) {
            Object value = row.get(field.column());
            json.put(field.name(), switch (value) {
                case null -> null;
                case UUID uuid -> uuid.toString();
                case java.sql.Date date -> date.toLocalDate().toString();
                case Short small -> small.intValue();
                default -> value;
            });
        }
        json.put("createdTs", instant(row.get("created_ts")));
        json.put("updatedTs", instant(row.get("updated_ts")));
        return json;
    }

    private static String instant(Object value) {
        return switch (value) {
            case null -> null;
            case Timestamp timestamp -> timestamp.toInstant().toString();
            case OffsetDateTime time -> time.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
            default -> value.toString();
        };
    }
}
