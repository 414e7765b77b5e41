package dev.rtsync.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeActionTest {

    @ParameterizedTest
    @CsvSource({"0, VIEW", "1, EDIT", "2, SHARE", "3, DELETE", "4, CREATE", "5, OWNER"})
    void log_codes_are_those_of_the_design(int code, ChangeAction action) {
        assertThat(ChangeAction.fromLogCode(code)).isEqualTo(action);
        assertThat(action.logCode()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 6, 42})
    void unknown_log_codes_are_rejected(int code) {
        assertThatThrownBy(() -> ChangeAction.fromLogCode(code)).isInstanceOf(InvalidValueException.class);
    }

    @ParameterizedTest
    @CsvSource({"EDIT, UPDATE", "SHARE, UPDATE", "OWNER, UPDATE", "DELETE, DELETE", "CREATE, CREATE"})
    void delivered_actions_travel_as_one_of_the_three_wire_values(ChangeAction action, WireAction wire) {
        assertThat(action.wireAction()).contains(wire);
        assertThat(action.isDelivered()).isTrue();
    }

    @Test
    void view_is_never_delivered() {
        assertThat(ChangeAction.VIEW.wireAction()).isEqualTo(Optional.empty());
        assertThat(ChangeAction.VIEW.isDelivered()).isFalse();
    }
}
