package dev.rtsync.application.usecase;

import dev.rtsync.application.port.out.ConnectionLevels;
import dev.rtsync.application.usecase.DisconnectUseCase.DisconnectCommand;
import dev.rtsync.domain.ConnectionId;
import dev.rtsync.domain.UserId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry's counts, which the metrics read through the {@link ConnectionLevels} port. */
class ConnectionLevelsTest extends RtsyncFixture {

    @Test
    void connections_users_and_subscriptions_follow_connects_subscribes_and_disconnects() {
        ConnectionLevels levels = rtsync.registry;
        UserId alice = newUser();
        ConnectionId first = connect(alice);
        ConnectionId second = connect(alice);
        ConnectionId bobs = connect(newUser());
        subscribe(first, PROJECT, newEntities(2));
        subscribe(second, TASK, newEntities(3));

        assertThat(levels.connectionCount()).isEqualTo(3);
        assertThat(levels.userCount()).isEqualTo(2);
        assertThat(levels.subscriptionCount()).isEqualTo(5);

        rtsync.useCases.disconnect().disconnect(new DisconnectCommand(second));
        rtsync.useCases.disconnect().disconnect(new DisconnectCommand(bobs));

        assertThat(levels.connectionCount()).isEqualTo(1);
        assertThat(levels.userCount()).isEqualTo(1);
        assertThat(levels.subscriptionCount()).isEqualTo(2);
    }
}
