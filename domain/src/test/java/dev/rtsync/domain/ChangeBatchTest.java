package dev.rtsync.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeBatchTest {

    private static final EntityCode PROJECT = EntityCode.of("project");
    private static final EntityCode TASK = EntityCode.of("task");
    private final EntityId p1 = new EntityId(UUID.randomUUID());
    private final EntityId p2 = new EntityId(UUID.randomUUID());
    private final EntityId t1 = new EntityId(UUID.randomUUID());

    @Test
    void changes_are_grouped_by_entity_code_in_order_of_first_appearance() {
        Change a = new Change(PROJECT, p1, WireAction.UPDATE, 10);
        Change b = new Change(TASK, t1, WireAction.CREATE, 11);
        Change c = new Change(PROJECT, p2, WireAction.DELETE, 12);

        List<ChangeBatch> batches = ChangeBatch.group(List.of(a, b, c));

        assertThat(batches).containsExactly(new ChangeBatch(PROJECT, List.of(a, c)), new ChangeBatch(TASK, List.of(b)));
    }

    @Test
    void only_the_newest_change_of_an_entity_is_kept_whatever_the_input_order() {
        Change created = new Change(PROJECT, p1, WireAction.CREATE, 20);
        Change updated = new Change(PROJECT, p1, WireAction.UPDATE, 21);
        Change deleted = new Change(PROJECT, p1, WireAction.DELETE, 22);

        assertThat(ChangeBatch.group(List.of(deleted, created, updated)))
                .containsExactly(new ChangeBatch(PROJECT, List.of(deleted)));
    }

    @Test
    void changes_in_a_batch_are_ordered_by_version() {
        Change late = new Change(PROJECT, p1, WireAction.UPDATE, 31);
        Change early = new Change(PROJECT, p2, WireAction.UPDATE, 30);

        assertThat(ChangeBatch.group(List.of(late, early)).getFirst().changes()).containsExactly(early, late);
    }

    @Test
    void nothing_groups_to_no_batch() {
        assertThat(ChangeBatch.group(List.of())).isEmpty();
    }

    @Test
    void a_batch_holds_changes_of_its_own_code_only() {
        Change task = new Change(TASK, t1, WireAction.UPDATE, 1);

        assertThatThrownBy(() -> new ChangeBatch(PROJECT, List.of(task))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new ChangeBatch(PROJECT, List.of())).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void versions_are_positive() {
        assertThatThrownBy(() -> new Change(PROJECT, p1, WireAction.UPDATE, 0)).isInstanceOf(InvalidValueException.class);
    }
}
