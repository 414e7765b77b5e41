package dev.rtsync.bootstrap.e2e;

import dev.rtsync.adapters.postgres.testing.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Writes entity rows the way the REST API does: one transaction per request, with
 * {@code app.current_user_id} set so the trigger records the actor.
 */
final class RestApi {

    /** Where the REST API's connections come from. */
    @FunctionalInterface
    interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections database;

    RestApi(TestDatabase database) {
        this(database::connect);
    }

    RestApi(Connections database) {
        this.database = database;
    }

    /** Inserts a project and returns its id. */
    UUID createProject(UUID actor, String name) {
        UUID id = UUID.randomUUID();
        execute(actor, "INSERT INTO app.project (id, name) VALUES (?, ?)", id, name);
        return id;
    }

    void createProject(UUID actor, UUID id, String name) {
        execute(actor, "INSERT INTO app.project (id, name) VALUES (?, ?)", id, name);
    }

    /** Inserts a task of the project and returns its id. */
    UUID createTask(UUID actor, UUID project, String name) {
        UUID id = UUID.randomUUID();
        execute(actor, "INSERT INTO app.task (id, name, project_id) VALUES (?, ?, ?)", id, name, project);
        return id;
    }

    void renameProject(UUID actor, UUID id, String name) {
        execute(actor, "UPDATE app.project SET name = ? WHERE id = ?", name, id);
    }

    void deleteProject(UUID actor, UUID id) {
        execute(actor, "DELETE FROM app.project WHERE id = ?", id);
    }

    /** The newest log sequence (the change's version) of the entity. */
    long latestVersion(UUID entityId) {
        return queryLong("SELECT max(seq) FROM app.logging WHERE entity_id = ?", entityId);
    }

    long subscriptionRows(String instanceId) {
        return queryLong("SELECT count(*) FROM app.rxdb_subscription WHERE instance_id = ?", instanceId);
    }

    long logRowsWithStatus(String status) {
        return queryLong("SELECT count(*) FROM app.logging WHERE action <> 0 AND sync_status = ?", status);
    }

    private void execute(UUID actor, String sql, Object... parameters) {
        try (Connection connection = database.open()) {
            connection.setAutoCommit(false);
            try (PreparedStatement setActor = connection.prepareStatement("SELECT set_config('app.current_user_id', ?, true)")) {
                setActor.setString(1, actor.toString());
                setActor.execute();
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                statement.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long queryLong(String sql, Object parameter) {
        try (Connection connection = database.open();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
