/**
 * The WebSocket transport, driving and driven: {@link dev.rtsync.adapters.websocket.JavalinWebSocketServer}
 * turns client frames into use case calls, and {@link dev.rtsync.adapters.websocket.WebSocketClientChannel}
 * is the {@code ClientChannel} port that queues server messages per connection. The wire format
 * (sealed {@code ClientMessage}, its decoder, the {@code ServerMessage} encoder) stays inside this
 * package: the application never sees JSON. docs/protocol.md is the protocol reference.
 */
package dev.rtsync.adapters.websocket;
