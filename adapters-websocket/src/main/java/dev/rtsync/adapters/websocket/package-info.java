/**
 * The WebSocket transport, driving and driven: {@link dev.rtsync.adapters.websocket.WebSocketServer}
 * mounts the Jetty endpoint {@link dev.rtsync.adapters.websocket.WebSocketEndpoint}, which guards
 * client frames and turns them into use case calls through
 * {@link dev.rtsync.adapters.websocket.MessageDispatcher}, beside the HTTP routes of
 * {@link dev.rtsync.adapters.websocket.OperationsRoutes} that Javalin serves; and {@link dev.rtsync.adapters.websocket.WebSocketClientChannel}
 * is the {@code ClientChannel} port that queues server messages per connection. The wire format
 * (sealed {@code ClientMessage}, its decoder, the {@code ServerMessage} encoder) stays inside this
 * package: the application never sees JSON. docs/protocol.md is the protocol reference.
 */
package dev.rtsync.adapters.websocket;
