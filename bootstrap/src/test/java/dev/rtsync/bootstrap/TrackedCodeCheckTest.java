package dev.rtsync.bootstrap;

import dev.rtsync.adapters.postgres.TrackedTables.TrackedTable;
import dev.rtsync.domain.EntityCatalog;
import dev.rtsync.domain.EntityCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TrackedCodeCheckTest {

    private static final TrackedTable PROJECT = new TrackedTable("app.project", "project", "log_project_changes", true);
    private static final TrackedTable INVOICE = new TrackedTable("app.invoice", "invoice", "log_invoice_changes", true);

    @Test
    void a_tracked_code_that_rtsync_entity_codes_does_not_allow_is_reported() {
        EntityCatalog onlyProjects = new EntityCatalog(Set.of(EntityCode.of("project")));

        assertThat(TrackedCodeCheck.problems(onlyProjects, List.of(PROJECT, INVOICE))).singleElement().asString()
                .startsWith("app.invoice is tracked as 'invoice', which RTSYNC_ENTITY_CODES does not allow");
    }

    @Test
    void without_rtsync_entity_codes_every_well_formed_code_is_fine() {
        assertThat(TrackedCodeCheck.problems(EntityCatalog.ANY, List.of(PROJECT, INVOICE))).isEmpty();
    }

    @Test
    void a_hand_written_trigger_with_a_malformed_code_or_disabled_is_reported() {
        List<String> problems = TrackedCodeCheck.problems(EntityCatalog.ANY, List.of(
                new TrackedTable("app.Project", "Project", "log_project_changes", true),
                new TrackedTable("app.task", "task", "log_task_changes", false)));

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("'Project', which is not a valid entity code");
        assertThat(problems.get(1)).contains("trigger log_task_changes is disabled");
    }
}
