package dev.rtsync.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueTypesTest {

    @Test
    void entity_and_user_ids_parse_canonical_uuids() {
        String text = "550e8400-e29b-41d4-a716-446655440001";

        assertThat(EntityId.parse(text).value()).isEqualTo(UUID.fromString(text));
        assertThat(UserId.parse(text.toUpperCase()).value()).isEqualTo(UUID.fromString(text));
        assertThat(EntityId.parse(text)).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1-1-1-1-1", "550e8400e29b41d4a716446655440001", "550e8400-e29b-41d4-a716-44665544000g",
            " 550e8400-e29b-41d4-a716-446655440001", "'; DROP TABLE app.logging; --"})
    void ids_reject_anything_but_a_canonical_uuid(String text) {
        assertThatThrownBy(() -> EntityId.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("entity id must be a UUID");
        assertThatThrownBy(() -> UserId.parse(text)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void rejections_never_echo_the_input() {
        String hostile = "'; DROP TABLE app.logging; --";

        assertThatThrownBy(() -> EntityId.parse(hostile)).hasMessageNotContaining("DROP");
        assertThatThrownBy(() -> EntityCode.of(hostile)).hasMessageNotContaining("DROP");
    }

    @Test
    void ids_reject_null() {
        assertThatThrownBy(() -> EntityId.parse(null)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new UserId(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"project", "task", "employee", "a", "work_order_2"})
    void entity_codes_are_lower_case_identifiers(String code) {
        assertThat(EntityCode.of(code).value()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Project", "2fa", "_project", "pro-ject", "project;", "project ", "app.project", "pröject"})
    void entity_codes_reject_anything_else(String code) {
        assertThatThrownBy(() -> EntityCode.of(code))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("entity code must be");
    }

    @Test
    void entity_codes_are_at_most_one_hundred_characters() {
        assertThat(EntityCode.of("a".repeat(100)).value()).hasSize(100);
        assertThatThrownBy(() -> EntityCode.of("a".repeat(101))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void connection_ids_fit_the_subscription_column() {
        assertThat(new ConnectionId("9b2c2f4e-8f0e-4a55-9c55-0c0f3a3f5d11").value()).hasSize(36);
        assertThat(new ConnectionId("x".repeat(50)).value()).hasSize(50);
        assertThatThrownBy(() -> new ConnectionId("x".repeat(51))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new ConnectionId("")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new ConnectionId("a b")).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void limits_reject_nonsense() {
        assertThatThrownBy(() -> new SubscriptionLimits(0, 10)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new SubscriptionLimits(100, 10)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new SubscriptionLimits(10, 100, 99, 1_000)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new SubscriptionLimits(10, 100, 1_000, 999)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new ConnectionLimits(0, 10)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new ConnectionLimits(10, 5)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void a_catalog_without_codes_accepts_every_code_and_a_listed_one_only_its_own() {
        EntityCatalog listed = new EntityCatalog(java.util.Set.of(EntityCode.of("project")));

        assertThat(EntityCatalog.ANY.accepts(EntityCode.of("anything"))).isTrue();
        assertThat(listed.accepts(EntityCode.of("project"))).isTrue();
        assertThat(listed.accepts(EntityCode.of("task"))).isFalse();
    }
}
