package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscriptionPlanTest {

    @Test
    void every_entity_gets_the_asked_number_of_subscribers() {
        SubscriptionPlan plan = new SubscriptionPlan(100, 10, 10);

        assertThat(plan.entities).isEqualTo(100);
        int[] seen = new int[plan.entities];
        for (int c = 0; c < 100; c++) {
            Set<Integer> mine = new HashSet<>();
            for (int j = 0; j < 10; j++) {
                int entity = plan.entityAt(c, j);
                assertThat(mine.add(entity)).as("connection %d subscribes to %d once", c, entity).isTrue();
                assertThat(plan.slotOf(c, entity)).isEqualTo(c * 10 + j);
                seen[entity]++;
            }
        }
        for (int e = 0; e < plan.entities; e++) {
            assertThat(seen[e]).isEqualTo(10).isEqualTo(plan.subscribers(e));
        }
    }

    @Test
    void a_connection_has_no_slot_for_an_entity_it_does_not_watch() {
        SubscriptionPlan plan = new SubscriptionPlan(100, 10, 10);

        assertThat(plan.slotOf(0, 10)).isEqualTo(-1);
        assertThat(plan.slotOf(0, 99)).isEqualTo(-1);
        assertThat(plan.slotOf(10, 0)).isEqualTo(100);
    }

    @Test
    void fan_out_is_one_entity_watched_by_all() {
        SubscriptionPlan plan = new SubscriptionPlan(10_000, 1, 10_000);

        assertThat(plan.entities).isEqualTo(1);
        assertThat(plan.subscribers(0)).isEqualTo(10_000);
        assertThat(plan.slotOf(9_999, 0)).isEqualTo(9_999);
    }

    @Test
    void ids_are_stable_uuids_and_map_back() {
        SubscriptionPlan plan = new SubscriptionPlan(10, 2, 1);

        assertThat(plan.idOf(3)).isEqualTo(SubscriptionPlan.entityId(3)).hasSize(36);
        assertThat(plan.indexOf(plan.idOf(3))).isEqualTo(3);
        assertThat(plan.indexOf("00000000-0000-0000-0000-000000000000")).isEqualTo(-1);
    }

    @Test
    void the_subscribe_message_is_the_designs() {
        SubscriptionPlan plan = new SubscriptionPlan(2, 2, 1);

        assertThat(plan.subscribeMessage(1)).isEqualTo("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\","
                + "\"entityIds\":[\"" + plan.idOf(2) + "\",\"" + plan.idOf(3) + "\"]}}");
    }

    @Test
    void refuses_impossible_shapes() {
        assertThatThrownBy(() -> new SubscriptionPlan(5, 1, 10)).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> new SubscriptionPlan(0, 1, 1)).isInstanceOf(UsageException.class);
    }

    @Test
    void an_offset_plan_watches_other_projects_than_the_plain_one() {
        SubscriptionPlan plain = new SubscriptionPlan(10, 2, 1);
        SubscriptionPlan offset = new SubscriptionPlan(10, 2, 1, 20);

        assertThat(offset.idOf(0)).isEqualTo(SubscriptionPlan.entityId(20)).isNotEqualTo(plain.idOf(0));
        assertThat(plain.indexOf(offset.idOf(3))).isEqualTo(-1);
        assertThat(offset.indexOf(offset.idOf(3))).isEqualTo(3);
    }
}
