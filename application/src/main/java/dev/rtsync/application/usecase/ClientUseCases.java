package dev.rtsync.application.usecase;

import java.util.Objects;

/**
 * The use cases a client's messages drive, handed to the transport adapter as one value. The
 * change watcher and the expiry check are driven by the clock and the log instead.
 */
public record ClientUseCases(ConnectUseCase connect, SubscribeUseCase subscribe, UnsubscribeUseCase unsubscribe,
                             UnsubscribeAllUseCase unsubscribeAll, PingUseCase ping, RefreshTokenUseCase refreshToken,
                             StatusUseCase status, DisconnectUseCase disconnect, CheckHealthUseCase checkHealth) {

    public ClientUseCases {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(subscribe, "subscribe");
        Objects.requireNonNull(unsubscribe, "unsubscribe");
        Objects.requireNonNull(unsubscribeAll, "unsubscribeAll");
        Objects.requireNonNull(ping, "ping");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(disconnect, "disconnect");
        Objects.requireNonNull(checkHealth, "checkHealth");
    }
}
