package dev.rtsync.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class StuckClientsTest {

    @Test
    void the_rows_are_subscribed_1000_ids_at_a_time() {
        SubscriptionPlan plan = new SubscriptionPlan(2_500, 1, 1);

        var messages = StuckClients.subscribes(plan, 2_500);

        assertThat(messages).hasSize(3);
        assertThat(messages.getFirst()).startsWith("{\"type\":\"SUBSCRIBE\",\"payload\":{\"entityCode\":\"project\",\"entityIds\":[\"" + plan.idOf(0) + "\"");
        assertThat(messages.get(2)).contains(plan.idOf(2_499)).doesNotContain(plan.idOf(1_999));
        assertThat(messages.get(2).substring(messages.get(2).indexOf('[')).split(",")).hasSize(500);
    }

    @Test
    void a_text_frame_is_masked_with_its_length_in_the_form_its_size_needs() throws IOException {
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        StuckClients.sendText(small, "x".repeat(125));
        ByteArrayOutputStream medium = new ByteArrayOutputStream();
        StuckClients.sendText(medium, "x".repeat(40_000));

        byte[] s = small.toByteArray();
        assertThat(s[0] & 0xff).isEqualTo(0x81);
        assertThat(s[1] & 0xff).isEqualTo(0x80 | 125);
        assertThat(s).hasSize(2 + 4 + 125);
        byte[] m = medium.toByteArray();
        assertThat(m[1] & 0xff).isEqualTo(0x80 | 126);
        assertThat((m[2] & 0xff) << 8 | (m[3] & 0xff)).isEqualTo(40_000);
        assertThat(m).hasSize(4 + 4 + 40_000);
        assertThat((m[8] ^ m[4]) & 0xff).as("unmasked first byte").isEqualTo('x');
    }
}
