package dev.rtsync.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Something to look at on first start: the demo users as employees, and a few projects with tasks.
 * Written through the repository, as Alice, so the rows are logged like any other change.
 */
final class DemoSeed {

    private DemoSeed() {
    }

    /** Seeds an empty database; returns whether it did. */
    static boolean seedIfEmpty(Jdbi jdbi, EntityRepository entities) {
        for (DemoUsers.DemoUser user : DemoUsers.ALL) {
            if (entities.find(EntityType.EMPLOYEE, user.id().value()).isEmpty()) {
                entities.insert(DemoUsers.ALICE.id(), EntityType.EMPLOYEE, Optional.of(user.id().value()),
                        values(EntityType.EMPLOYEE, Map.of("name", user.name(), "email", user.email(), "title", "Engineer")));
            }
        }
        int projects = jdbi.withHandle(handle -> handle.createQuery("SELECT count(*) FROM app.project").mapTo(Integer.class).one());
        if (projects > 0) {
            return false;
        }
        project(entities, "Apollo", "Land on the Moon and return safely.", List.of("Build the Saturn V", "Train the crew", "Pick a landing site"));
        project(entities, "Gemini", "Practise rendezvous and docking in orbit.", List.of("Dock with Agena", "First spacewalk"));
        project(entities, "Mercury", "Put a person in orbit.", List.of("Choose the seven"));
        return true;
    }

    private static void project(EntityRepository entities, String name, String description, List<String> tasks) {
        Map<String, Object> project = entities.insert(DemoUsers.ALICE.id(), EntityType.PROJECT, Optional.empty(),
                values(EntityType.PROJECT, Map.of("name", name, "description", description)));
        String projectId = (String) project.get("id");
        for (String task : tasks) {
            entities.insert(DemoUsers.ALICE.id(), EntityType.TASK, Optional.empty(),
                    values(EntityType.TASK, Map.of("name", task, "projectId", projectId)));
        }
    }

    private static Map<Field, Object> values(EntityType type, Map<String, String> texts) {
        Map<Field, Object> values = new LinkedHashMap<>();
        texts.forEach((name, text) -> {
            Field field = type.field(name).orElseThrow();
            values.put(field, field.parse(JsonNodeFactory.instance.textNode(text)));
        });
        return values;
    }
}
