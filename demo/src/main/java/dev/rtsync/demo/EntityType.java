package dev.rtsync.demo;

import java.util.List;
import java.util.Optional;

/**
 * An entity the API serves: its path and entity code (the same word, as rtsync's INVALIDATE names
 * it), its table, its writable fields, and the fields a list may be filtered by.
 */
record EntityType(String code, String table, List<Field> fields, List<String> filters) {

    static final EntityType PROJECT = new EntityType("project", "app.project", List.of(
            Field.text("name", "name", true, 200),
            Field.text("description", "description", false, 10_000),
            Field.oneOf("status", "status", "active", "on_hold", "done"),
            Field.date("dueDate", "due_date")),
            List.of("status"));

    static final EntityType TASK = new EntityType("task", "app.task", List.of(
            Field.text("name", "name", true, 200),
            Field.uuid("projectId", "project_id"),
            Field.oneOf("status", "status", "open", "in_progress", "done"),
            Field.integer("priority", "priority", 0, 5)),
            List.of("projectId", "status"));

    static final EntityType EMPLOYEE = new EntityType("employee", "app.employee", List.of(
            Field.text("name", "name", true, 200),
            Field.text("email", "email", false, 255),
            Field.text("title", "title", false, 100),
            Field.bool("active", "active")),
            List.of("active"));

    static final List<EntityType> ALL = List.of(PROJECT, TASK, EMPLOYEE);

    EntityType {
        fields = List.copyOf(fields);
        filters = List.copyOf(filters);
    }

    Optional<Field> field(String name) {
        return fields.stream().filter(field -> field.name().equals(name)).findFirst();
    }

    String fieldNames() {
        return String.join(", ", fields.stream().map(Field::name).toList());
    }
}
