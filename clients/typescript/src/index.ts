export {
  RtsyncClient,
  ConnectionClosedError,
  type ClientEvents,
  type ConnectionStatus,
  type Disconnect,
  type DisconnectReason,
  type InvalidateEvent,
  type InvalidatedEntity,
  type ResyncEvent,
  type RtsyncClientOptions,
  type ServerErrorEvent,
  type StatusEvent,
  type StatusReport,
} from './client.js';
export type { EntityRef } from './registry.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export {
  browserEnvironment,
  type ClientEnvironment,
  type Signal,
  type TimerHandle,
  type Timers,
  type WebSocketFactory,
  type WebSocketLike,
} from './environment.js';
export {
  CloseCode,
  decodeServerMessage,
  encodeClientMessage,
  ERROR_CODES,
  isRetryableError,
  isValidEntityCode,
  isValidEntityId,
  ProtocolError,
  type ClientMessage,
  type EntityChange,
  type ErrorCode,
  type ServerMessage,
  type WireAction,
} from './protocol.js';
