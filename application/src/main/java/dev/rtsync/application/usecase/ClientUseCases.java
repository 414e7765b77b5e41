package dev.rtsync.application.usecase;

import java.util.Objects;

/**
 * The use cases a client's messages drive, handed to the transport adapter as one value. The
 * health check is the operators' (the transport serves it apart from the protocol); the change
 * watcher, the token expiry and the heartbeats are driven by the log and the clock. All of them
 * are built together by {@link dev.rtsync.application.RtsyncCore}.
 */
public record ClientUseCases(ConnectUseCase connect, SubscribeUseCase subscribe, UnsubscribeUseCase unsubscribe,
                             UnsubscribeAllUseCase unsubscribeAll, PingUseCase ping, RefreshTokenUseCase refreshToken,
                             StatusUseCase status, DisconnectUseCase disconnect) {

    public ClientUseCases {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(subscribe, "subscribe");
        Objects.requireNonNull(unsubscribe, "unsubscribe");
        Objects.requireNonNull(unsubscribeAll, "unsubscribeAll");
        Objects.requireNonNull(ping, "ping");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(disconnect, "disconnect");
    }
}
