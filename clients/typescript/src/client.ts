import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { browserEnvironment, type ClientEnvironment, type TimerHandle, type WebSocketLike } from './environment.js';
import { Emitter } from './events.js';
import {
  CloseCode,
  decodeServerMessage,
  encodeClientMessage,
  isRetryableError,
  ProtocolError,
  type ClientMessage,
  type ErrorCode,
  type InvalidateMessage,
  type ServerMessage,
  type WireAction,
} from './protocol.js';
import { SubscriptionRegistry, type EntityRef } from './registry.js';
import { TypeSubscriptionRegistry } from './typeRegistry.js';
import { tokenExpiry } from './token.js';
import { VersionMemory } from './versions.js';

/** The design's four states (section 4.3). */
export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'error';

/** Why a connection ended, or why none could be made. */
export type DisconnectReason =
  /** stop() was called, or the last retain() was released. */
  | 'stopped'
  /** The browser went offline; the client reconnects on `online`. */
  | 'offline'
  /** The socket failed or closed without a reason the client knows (close code 1006 and the like). */
  | 'network'
  /** The server is shutting down or dropped an idle connection (1001). */
  | 'going-away'
  /** No PONG came back within pongTimeoutMs. */
  | 'heartbeat-timeout'
  /** A visible page's timer fired far too late: the machine slept, the socket is not to be trusted. */
  | 'sleep-detected'
  /** No connection and subscription within connectTimeoutMs. */
  | 'connect-timeout'
  /** getToken() threw or returned no token. */
  | 'token-unavailable'
  /** The server refused the token (4001). Final once a fresh token fails as well. */
  | 'auth-failed'
  /** The token ran out before it was refreshed (4002). */
  | 'token-expired'
  /** The user or the server has too many connections (1013). */
  | 'too-many-connections'
  /** The client read too slowly and the server closed it (4008). */
  | 'slow-consumer'
  /** The other instances declared this client's instance dead; it closed all its connections (4010). */
  | 'instance-declared-dead'
  /** The client kept sending subscriptions over the user's budget (ERROR OVER_BUDGET) and was closed (4029). */
  | 'over-budget'
  /** The server could not take the subscriptions while connecting (UNAVAILABLE and the like). */
  | 'subscribe-failed'
  /** A frame one side could not handle (1002, 1007, 1009, or an unreadable server frame). */
  | 'protocol-error';

export interface Disconnect {
  reason: DisconnectReason;
  /** The WebSocket close code, when a close frame or the browser gave one. */
  code?: number;
  /** The server's ERROR message or the close reason, for people. */
  message?: string;
  /** Whether the client will try again by itself. */
  willRetry: boolean;
  /** When it will, in how many ms (undefined while it waits for the network to come back). */
  retryInMs?: number;
}

/** An entity whose cached copy is no longer to be trusted. */
export interface InvalidatedEntity extends EntityRef {
  /** Only for a change from the server: what happened to the entity. */
  action?: WireAction;
  /** Only for a change from the server: its version (the change log's sequence). */
  version?: number;
}

export interface InvalidateEvent {
  /**
   * `change`: the server reported these entities changed. `resync`: the client reconnected and
   * cannot know what changed while it was away, so every subscribed entity is invalid.
   */
  reason: 'change' | 'resync';
  entities: InvalidatedEntity[];
}

export interface ResyncEvent {
  /** Every entity subscribed at the reconnect. */
  entities: EntityRef[];
  /** Every entity code watched as a whole type ({@link RtsyncClient.subscribeType}): lists of it may miss new entities. */
  entityCodes: string[];
}

export interface ServerErrorEvent {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** The entities of the SUBSCRIBE the error answers, when it answers one. */
  entities?: EntityRef[];
  /** The entity code of the SUBSCRIBE_TYPE the error answers, when it answers one. */
  entityCode?: string;
}

export interface StatusEvent {
  status: ConnectionStatus;
  previous: ConnectionStatus;
}

export interface ClientEvents extends Record<string, unknown> {
  status: StatusEvent;
  /** Connected and every subscription in place; `reconnect` is false only for the first time. */
  connected: { reconnect: boolean };
  disconnected: Disconnect;
  /** Changes of one tick, together; also every subscribed entity after a reconnect. */
  invalidate: InvalidateEvent;
  /** After a reconnect, once every subscription is back: the same entities as the `resync` invalidate. */
  resync: ResyncEvent;
  /** An ERROR from the server that is not about the connection itself. */
  error: ServerErrorEvent;
  /** A fresh token was sent with TOKEN_REFRESH. */
  tokenRefreshed: { expiresAt?: number };
}

export interface StatusReport {
  connectionId: string;
  subscriptions: number;
  tokenExpiresIn: number;
}

export interface RtsyncClientOptions {
  /** The service's WebSocket URL, such as `wss://sync.example.com` (the token is appended). */
  url: string;
  /** Returns the current token; called before every connect and every refresh, never cached. */
  getToken: () => string | Promise<string>;
  /** Reconnect waits: full jitter between 0 and min(maxDelayMs, initialDelayMs * 2^attempt). */
  backoff?: Partial<BackoffOptions>;
  /** How long a connection must last before the attempt counter starts again. Default 5,000 ms. */
  stableAfterMs?: number;
  /** Time between PINGs. Default 30,000 ms, as the design says (the server drops a client silent for 65 s). */
  pingIntervalMs?: number;
  /** How long to wait for a PONG before reconnecting. Default 10,000 ms. */
  pongTimeoutMs?: number;
  /** How much later than due a visible page's timer may fire before the client assumes the machine slept. Default 15,000 ms. */
  sleepToleranceMs?: number;
  /** Longest wait from opening the socket to every subscription confirmed. Default 15,000 ms. */
  connectTimeoutMs?: number;
  /** How long a released subscription waits before it is sent as UNSUBSCRIBE. Default 1,000 ms. */
  unsubscribeDelayMs?: number;
  /** Ids per SUBSCRIBE; the server accepts at most 1,000 by default. */
  maxIdsPerSubscribe?: number;
  /** How many entities' newest versions are remembered to skip repeated changes. Default 10,000. */
  versionMemory?: number;
  /** Refresh the token this long before its `exp` (at most half its remaining life). Default 60,000 ms. */
  tokenRefreshMarginMs?: number;
  /** The platform: WebSocket, timers, clock, random, network and visibility. For tests. */
  environment?: Partial<ClientEnvironment>;
}

type Settings = Required<Omit<RtsyncClientOptions, 'backoff' | 'environment'>> & { backoff: BackoffOptions };

/** Codes that answer a SUBSCRIBE (docs/protocol.md, section 3); typed, so a code the protocol does not have fails the build. */
const SUBSCRIBE_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  'INVALID_PAYLOAD',
  'INVALID_ENTITY_CODE',
  'UNKNOWN_ENTITY_CODE',
  'TYPE_SUBSCRIPTION_NOT_ALLOWED',
  'INVALID_ENTITY_ID',
  'TOO_MANY_IDS',
  'TOO_MANY_SUBSCRIPTIONS',
  'UNAVAILABLE',
  'RATE_LIMITED',
  'OVER_BUDGET',
  'INTERNAL_ERROR',
]);

/** Thrown to callers waiting on a connection that ended. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}

interface Connection {
  socket: WebSocketLike;
  token: string;
  /** Every subscription sent and confirmed: the client reports `connected` from then on. */
  ready: boolean;
  /** The PONG to the PING sent after the SUBSCRIBEs on open arrived. */
  handshakePong: boolean;
  /** SUBSCRIBEs waiting for their SUBSCRIBED or ERROR, oldest first (the server answers in order). */
  awaitingAnswer: Array<{ entityCode: string; entityIds: string[]; wholeType?: boolean }>;
  statusRequests: Array<{ resolve: (report: StatusReport) => void; reject: (error: Error) => void }>;
  /** The last ERROR about the connection itself (AUTH_FAILED…), explaining the close that follows. */
  lastConnectionError?: { code: string; message: string };
  pingDueAt?: number;
  pingTimer?: TimerHandle;
  pongTimer?: TimerHandle;
  connectTimer?: TimerHandle;
  stableTimer?: TimerHandle;
  refreshTimer?: TimerHandle;
  refreshing: boolean;
  /** When the client plans to refresh the token, from its `exp`. */
  refreshPlannedAt?: number;
  /** When the token in use was sent. */
  tokenSince?: number;
}

/**
 * The rtsync browser client: one WebSocket, reconnected with backoff, its subscriptions counted
 * per entity and sent again after every reconnect, followed by a `resync` of everything
 * subscribed (docs/client.md). Create one per application, outside React's render.
 */
export class RtsyncClient {
  private readonly settings: Settings;
  private readonly env: ClientEnvironment;
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly registry: SubscriptionRegistry;
  private readonly types = new TypeSubscriptionRegistry();
  private readonly versions: VersionMemory;

  private currentStatus: ConnectionStatus = 'disconnected';
  private running = false;
  /** Bumped whenever a connection or an attempt is abandoned, so its late callbacks do nothing. */
  private generation = 0;
  private connection: Connection | undefined;
  private attempt = 0;
  private retryTimer: TimerHandle | undefined;
  private everConnected = false;
  private lastDisconnectValue: Disconnect | undefined;
  private rejectedToken: string | undefined;
  private authFailures = 0;
  private flushTimer: TimerHandle | undefined;
  private retrySubscribeTimer: TimerHandle | undefined;
  private readonly pendingChanges: InvalidatedEntity[] = [];
  /** Entities whose SUBSCRIBE failed retryably while connected, so changes may have been missed. */
  private readonly missedWhileRetrying = new Set<string>();
  private deliveryTimer: TimerHandle | undefined;
  private retainCount = 0;
  private releaseTimer: TimerHandle | undefined;
  private unwatch: Array<() => void> = [];

  constructor(options: RtsyncClientOptions) {
    if (!options || typeof options.url !== 'string' || !/^wss?:\/\//i.test(options.url)) {
      throw new TypeError('RtsyncClient needs options.url, a ws:// or wss:// URL');
    }
    if (typeof options.getToken !== 'function') {
      throw new TypeError('RtsyncClient needs options.getToken, a function that returns the current token');
    }
    this.settings = {
      url: options.url,
      getToken: options.getToken,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      stableAfterMs: options.stableAfterMs ?? 5_000,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
      sleepToleranceMs: options.sleepToleranceMs ?? 15_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      unsubscribeDelayMs: options.unsubscribeDelayMs ?? 1_000,
      maxIdsPerSubscribe: options.maxIdsPerSubscribe ?? 1_000,
      versionMemory: options.versionMemory ?? 10_000,
      tokenRefreshMarginMs: options.tokenRefreshMarginMs ?? 60_000,
    };
    this.env = { ...browserEnvironment(), ...options.environment };
    this.registry = new SubscriptionRegistry(this.settings.maxIdsPerSubscribe);
    this.versions = new VersionMemory(this.settings.versionMemory);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Connects, and keeps connecting until {@link stop}. Calling it again while running does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.authFailures = 0;
    this.rejectedToken = undefined;
    this.unwatch = [
      this.env.network.subscribe((online) => (online ? this.onOnline() : this.onOffline())),
      this.env.visibility.subscribe((visible) => visible && this.onVisible()),
    ];
    if (!this.env.network.current()) {
      this.waitForNetwork({ reason: 'offline', willRetry: true });
      return;
    }
    void this.connect();
  }

  /** Closes the connection and stops reconnecting. Subscriptions are kept for the next {@link start}. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const stopWatching of this.unwatch) stopWatching();
    this.unwatch = [];
    this.clearTimer('retryTimer');
    this.endConnection({ reason: 'stopped', willRetry: false }, CloseCode.NORMAL);
    this.setStatus('disconnected');
  }

  /**
   * Keeps the client running while at least one holder retains it; the returned function
   * releases, and the client stops shortly after the last release. A release and retain in
   * quick succession (React StrictMode) keeps the connection.
   */
  retain(): () => void {
    this.retainCount++;
    this.clearTimer('releaseTimer');
    this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.retainCount--;
      if (this.retainCount === 0) {
        this.releaseTimer = this.env.timers.setTimeout(() => {
          this.releaseTimer = undefined;
          if (this.retainCount === 0) this.stop();
        }, this.settings.unsubscribeDelayMs);
      }
    };
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** The same as {@link status}, as a function, for React's useSyncExternalStore. */
  getStatus = (): ConnectionStatus => this.currentStatus;

  /** Why the last connection ended, if one did. */
  get lastDisconnect(): Disconnect | undefined {
    return this.lastDisconnectValue;
  }

  on<K extends keyof ClientEvents>(type: K, listener: (event: ClientEvents[K]) => void): () => void {
    return this.emitter.on(type, listener);
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * Adds one reference to each entity and returns the function that releases them (calling it
   * twice releases once). The server is asked for entities not yet subscribed in the next tick.
   * Throws a RangeError for an entity code or id the server would refuse.
   */
  subscribe(entityCode: string, entityIds: readonly string[]): () => void {
    this.registry.acquire(entityCode, entityIds);
    this.scheduleFlush();
    const ids = [...entityIds];
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(entityCode, ids);
    };
  }

  /**
   * The design's unsubscribe: with ids, releases one reference to each (pairing an earlier
   * subscribe); without, ends every subscription of the entity code at once.
   */
  unsubscribe(entityCode: string, entityIds?: readonly string[]): void {
    if (entityIds === undefined) {
      this.registry.dropCode(entityCode);
      this.scheduleFlush();
    } else {
      this.release(entityCode, entityIds);
    }
  }

  /**
   * Watches every entity of the code, those created later included (SUBSCRIBE_TYPE, an rtsync
   * addition the server allows per entity code), with one reference; returns the function that
   * releases it. Changes arrive as `invalidate` events like any other; after a reconnect the
   * `resync` event names the code in `entityCodes`, since entities may have been created meanwhile.
   */
  subscribeType(entityCode: string): () => void {
    this.types.acquire(entityCode);
    this.scheduleFlush();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (!this.types.release(entityCode)) return;
      this.env.timers.setTimeout(() => {
        if (this.types.expire(entityCode)) this.scheduleFlush();
      }, this.settings.unsubscribeDelayMs);
    };
  }

  /** The entity codes watched as a whole type now. */
  typeSubscriptions(): string[] {
    return this.types.codes();
  }

  /** Ends every subscription, whoever holds it. */
  unsubscribeAll(): void {
    this.registry.dropAll();
    this.types.dropAll();
    if (this.connection && this.isOpen(this.connection)) this.send(this.connection, { type: 'UNSUBSCRIBE_ALL' });
  }

  /** The entities subscribed now, each once. */
  subscriptions(): EntityRef[] {
    return this.registry.entities();
  }

  /** Asks the server how it sees this connection (an rtsync addition to the protocol). */
  requestStatus(): Promise<StatusReport> {
    const connection = this.connection;
    if (!connection || !connection.ready) {
      return Promise.reject(new ConnectionClosedError('Not connected'));
    }
    return new Promise((resolve, reject) => {
      connection.statusRequests.push({ resolve, reject });
      this.send(connection, { type: 'STATUS' });
    });
  }

  private release(entityCode: string, entityIds: readonly string[]): void {
    const unreferenced = this.registry.release(entityCode, entityIds);
    if (unreferenced.length === 0) return;
    this.env.timers.setTimeout(() => {
      if (this.registry.expire(entityCode, unreferenced)) this.scheduleFlush();
    }, this.settings.unsubscribeDelayMs);
  }

  // ---------------------------------------------------------------- connecting

  private async connect(): Promise<void> {
    this.clearTimer('retryTimer');
    const generation = ++this.generation;
    this.setStatus('connecting');
    let token: string;
    try {
      token = await this.settings.getToken();
      if (typeof token !== 'string' || token.length === 0) throw new Error('getToken() returned no token');
    } catch (error) {
      if (generation !== this.generation || !this.running) return;
      this.connectionFailed({ reason: 'token-unavailable', message: messageOf(error) });
      return;
    }
    if (generation !== this.generation || !this.running) return;
    if (token === this.rejectedToken) {
      this.fail({
        reason: 'auth-failed',
        message: 'getToken() returned the token the server has just refused',
      });
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new this.env.WebSocket(withToken(this.settings.url, token));
    } catch (error) {
      this.connectionFailed({ reason: 'network', message: messageOf(error) });
      return;
    }
    const connection: Connection = {
      socket,
      token,
      ready: false,
      handshakePong: false,
      awaitingAnswer: [],
      statusRequests: [],
      refreshing: false,
    };
    this.connection = connection;
    connection.connectTimer = this.env.timers.setTimeout(() => {
      if (this.connection === connection && !connection.ready) {
        this.dropConnection({ reason: 'connect-timeout' });
      }
    }, this.settings.connectTimeoutMs);
    socket.onopen = () => {
      if (this.connection !== connection) return;
      this.registry.connectionLost();
      this.types.connectionLost();
      this.flush();
      // The server accepts any upgrade and refuses a bad token afterwards, and answers in order:
      // its PONG after the SUBSCRIBEs' answers says the token was good and everything is in place.
      if (this.connection === connection) this.send(connection, { type: 'PING' });
    };
    socket.onmessage = (event) => {
      if (this.connection !== connection) return;
      if (typeof event.data !== 'string') return;
      this.handleFrame(connection, event.data);
    };
    socket.onclose = (event) => {
      if (this.connection !== connection) return;
      this.handleClose(connection, event.code, event.reason);
    };
    socket.onerror = () => {
      // A close event always follows; it carries what there is to know.
    };
  }

  private completeHandshakeIfDone(connection: Connection): void {
    if (this.connection !== connection || connection.ready) return;
    if (!connection.handshakePong || connection.awaitingAnswer.length > 0) return;
    connection.ready = true;
    this.clearConnectionTimer(connection, 'connectTimer');
    const reconnect = this.everConnected;
    this.everConnected = true;
    this.authFailures = 0;
    this.rejectedToken = undefined;
    connection.stableTimer = this.env.timers.setTimeout(() => {
      this.attempt = 0;
    }, this.settings.stableAfterMs);
    this.schedulePing(connection);
    this.scheduleTokenRefresh(connection);
    this.setStatus('connected');
    this.emitter.emit('connected', { reconnect });
    if (reconnect) {
      // Changes made while the socket was down were never sent: everything shown may be stale.
      this.missedWhileRetrying.clear();
      const entities = this.registry.entities();
      this.emitter.emit('invalidate', { reason: 'resync', entities });
      this.emitter.emit('resync', { entities, entityCodes: this.types.codes() });
    }
  }

  // ---------------------------------------------------------------- incoming frames

  private handleFrame(connection: Connection, text: string): void {
    let message: ServerMessage;
    try {
      message = decodeServerMessage(text);
    } catch (error) {
      // A newer server may send types this client does not know yet: those are skipped.
      if (error instanceof ProtocolError && error.message.startsWith('Unknown server message type')) return;
      this.dropConnection({ reason: 'protocol-error', message: messageOf(error) });
      return;
    }
    switch (message.type) {
      case 'SUBSCRIBED': {
        const batch = connection.awaitingAnswer.shift();
        if (batch && connection.ready) this.resyncRetried(batch);
        this.completeHandshakeIfDone(connection);
        return;
      }
      case 'TYPE_SUBSCRIBED':
        connection.awaitingAnswer.shift();
        this.completeHandshakeIfDone(connection);
        return;
      case 'PONG':
        this.clearConnectionTimer(connection, 'pongTimer');
        if (!connection.ready) {
          connection.handshakePong = true;
          this.completeHandshakeIfDone(connection);
        }
        return;
      case 'INVALIDATE':
        this.receiveChanges(message);
        return;
      case 'TOKEN_EXPIRING_SOON':
        this.tokenExpiringSoon(connection, message.payload.expiresIn * 1000);
        return;
      case 'STATUS_REPORT':
        connection.statusRequests.shift()?.resolve(message.payload);
        return;
      case 'ERROR':
        this.handleError(connection, message.payload.code, message.payload.message);
        return;
    }
  }

  private handleError(connection: Connection, code: string, message: string): void {
    const retryable = isRetryableError(code);
    if (code === 'AUTH_FAILED' || code === 'TOKEN_EXPIRED' || code === 'TOO_MANY_CONNECTIONS') {
      connection.lastConnectionError = { code, message }; // the close that follows explains itself with it
      return;
    }
    // A server older than SUBSCRIBE_TYPE answers it UNKNOWN_TYPE: a final refusal of that subscription.
    const answersTypeSubscribe = code === 'UNKNOWN_TYPE' && connection.awaitingAnswer[0]?.wholeType === true;
    if ((SUBSCRIBE_ERRORS.has(code) || answersTypeSubscribe) && connection.awaitingAnswer.length > 0) {
      const batch = connection.awaitingAnswer.shift()!;
      const entities = batch.entityIds.map((entityId) => ({ entityCode: batch.entityCode, entityId }));
      if (batch.wholeType) {
        this.types.subscribeFailed(batch.entityCode, !retryable);
        this.emitter.emit('error', { code: code as ErrorCode, message, retryable, entityCode: batch.entityCode });
      } else {
        this.registry.subscribeFailed(batch.entityCode, batch.entityIds, !retryable);
        this.emitter.emit('error', { code: code as ErrorCode, message, retryable, entities });
      }
      if (retryable && !connection.ready) {
        // `connected` promises every subscription in place: try the whole connection again.
        this.dropConnection({ reason: 'subscribe-failed', message: `${code}: ${message}` });
        return;
      }
      if (retryable) {
        for (const entity of entities) this.missedWhileRetrying.add(key(entity));
        this.scheduleSubscribeRetry();
      }
      this.completeHandshakeIfDone(connection);
      return;
    }
    if (code === 'RATE_LIMITED' || code === 'INTERNAL_ERROR') {
      // A dropped STATUS or PING: the pong timeout or the caller's own wait covers it.
      connection.statusRequests.shift()?.reject(new Error(`${code}: ${message}`));
    }
    this.emitter.emit('error', { code: code as ErrorCode, message, retryable });
  }

  /** Entities subscribed late, after a retryable refusal, may have changed in between. */
  private resyncRetried(batch: { entityCode: string; entityIds: string[] }): void {
    if (this.missedWhileRetrying.size === 0) return;
    const entities = batch.entityIds
      .map((entityId) => ({ entityCode: batch.entityCode, entityId }))
      .filter((entity) => this.missedWhileRetrying.delete(key(entity)));
    if (entities.length > 0) this.emitter.emit('invalidate', { reason: 'resync', entities });
  }

  private receiveChanges(message: InvalidateMessage): void {
    const { entityCode } = message.payload;
    for (const change of message.payload.changes) {
      if (!this.versions.accept(entityCode, change.entityId, change.version)) continue;
      this.pendingChanges.push({
        entityCode,
        entityId: change.entityId.toLowerCase(),
        action: change.action,
        version: change.version,
      });
    }
    if (this.pendingChanges.length > 0 && this.deliveryTimer === undefined) {
      // Frames that arrive within one tick reach the application as one batch.
      this.deliveryTimer = this.env.timers.setTimeout(() => {
        this.deliveryTimer = undefined;
        const entities = this.pendingChanges.splice(0);
        if (entities.length > 0) this.emitter.emit('invalidate', { reason: 'change', entities });
      }, 0);
    }
  }

  // ---------------------------------------------------------------- sending subscriptions

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    // Components that mount in one render subscribe in one SUBSCRIBE.
    this.flushTimer = this.env.timers.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, 0);
  }

  private scheduleSubscribeRetry(): void {
    if (this.retrySubscribeTimer !== undefined) return;
    const delay = this.settings.backoff.initialDelayMs + backoffDelay(2, this.settings.backoff, this.env.random);
    this.retrySubscribeTimer = this.env.timers.setTimeout(() => {
      this.retrySubscribeTimer = undefined;
      this.flush();
    }, delay);
  }

  private flush(): void {
    const connection = this.connection;
    if (!connection || !this.isOpen(connection)) return; // sent on the next connection's open
    const diff = this.registry.diff();
    for (const unsubscribe of diff.unsubscribe) {
      if (this.connection !== connection) return;
      this.send(connection, { type: 'UNSUBSCRIBE', payload: unsubscribe });
    }
    for (const subscribe of diff.subscribe) {
      if (this.connection !== connection) return; // an answer ended it
      connection.awaitingAnswer.push(subscribe);
      this.send(connection, { type: 'SUBSCRIBE', payload: subscribe });
    }
    const types = this.types.diff();
    for (const entityCode of types.unsubscribe) {
      if (this.connection !== connection) return;
      this.send(connection, { type: 'UNSUBSCRIBE_TYPE', payload: { entityCode } });
    }
    for (const entityCode of types.subscribe) {
      if (this.connection !== connection) return;
      connection.awaitingAnswer.push({ entityCode, entityIds: [], wholeType: true });
      this.send(connection, { type: 'SUBSCRIBE_TYPE', payload: { entityCode } });
    }
  }

  private send(connection: Connection, message: ClientMessage): void {
    try {
      connection.socket.send(encodeClientMessage(message));
    } catch (error) {
      this.dropConnection({ reason: 'network', message: messageOf(error) });
    }
  }

  private isOpen(connection: Connection): boolean {
    return connection.socket.readyState === 1; // WebSocket.OPEN
  }

  // ---------------------------------------------------------------- heartbeat

  private schedulePing(connection: Connection): void {
    const interval = this.settings.pingIntervalMs;
    connection.pingDueAt = this.env.now() + interval;
    connection.pingTimer = this.env.timers.setTimeout(() => {
      if (this.connection !== connection) return;
      if (this.sleptThrough(connection)) return;
      this.ping(connection);
      this.schedulePing(connection);
    }, interval);
  }

  /** A visible page's timer that fires far too late means the machine slept: reconnect. */
  private sleptThrough(connection: Connection): boolean {
    if (connection.pingDueAt === undefined || !this.env.visibility.current()) return false;
    const late = this.env.now() - connection.pingDueAt;
    if (late <= this.settings.sleepToleranceMs) return false;
    this.dropConnection({ reason: 'sleep-detected', message: `a timer fired ${late} ms late` }, true);
    return true;
  }

  private ping(connection: Connection): void {
    if (connection.pongTimer !== undefined) return; // one outstanding PING is enough
    connection.pongTimer = this.env.timers.setTimeout(() => {
      connection.pongTimer = undefined;
      if (this.connection === connection) {
        this.dropConnection({ reason: 'heartbeat-timeout', message: `no PONG within ${this.settings.pongTimeoutMs} ms` });
      }
    }, this.settings.pongTimeoutMs);
    this.send(connection, { type: 'PING' });
  }

  /** The page became visible or the network came back: find out now whether the socket lives. */
  private checkNow(): void {
    const connection = this.connection;
    if (connection?.ready) {
      if (!this.sleptThrough(connection)) this.ping(connection);
    } else if (this.running && !connection && this.currentStatus !== 'connecting') {
      void this.connect(); // waiting for a retry: try at once instead
    }
  }

  private onVisible(): void {
    this.checkNow();
  }

  private onOnline(): void {
    if (!this.running) return;
    this.checkNow();
  }

  private onOffline(): void {
    if (!this.running) return;
    this.clearTimer('retryTimer');
    if (this.connection || this.currentStatus === 'connecting') {
      this.endConnection({ reason: 'offline', willRetry: true }, CloseCode.NORMAL);
    }
    this.waitForNetwork();
  }

  // ---------------------------------------------------------------- tokens

  private scheduleTokenRefresh(connection: Connection): void {
    this.clearConnectionTimer(connection, 'refreshTimer');
    connection.refreshPlannedAt = undefined;
    const expiresAt = tokenExpiry(connection.token);
    if (expiresAt === undefined) return; // the server's TOKEN_EXPIRING_SOON still comes
    const left = expiresAt - this.env.now();
    const margin = Math.min(this.settings.tokenRefreshMarginMs, Math.max(0, left) / 2);
    const delay = Math.max(0, left - margin);
    connection.refreshPlannedAt = this.env.now() + delay;
    connection.refreshTimer = this.env.timers.setTimeout(() => {
      connection.refreshTimer = undefined;
      void this.refreshToken(connection);
    }, delay);
  }

  /**
   * The server warns once per token. A short-lived token is warned about as soon as it is sent,
   * so the warning is followed only when the token would run out before the client's own plan
   * from `exp`; a token without a readable `exp` is refreshed on the warning, unless it was sent
   * only seconds ago.
   */
  private tokenExpiringSoon(connection: Connection, expiresInMs: number): void {
    const now = this.env.now();
    const planned = connection.refreshPlannedAt;
    if (planned !== undefined) {
      if (planned <= now + expiresInMs) return;
    } else if (connection.tokenSince !== undefined && now - connection.tokenSince < 5_000) {
      return;
    }
    void this.refreshToken(connection);
  }

  private async refreshToken(connection: Connection): Promise<void> {
    if (connection.refreshing || this.connection !== connection) return;
    connection.refreshing = true;
    let token: string | undefined;
    try {
      token = await this.settings.getToken();
      if (typeof token !== 'string' || token.length === 0) throw new Error('getToken() returned no token');
      if (token === connection.token) throw new Error('getToken() returned the token in use; it must return a fresh one');
    } catch {
      token = undefined;
    } finally {
      connection.refreshing = false;
    }
    if (this.connection !== connection || !this.isOpen(connection)) return;
    if (token === undefined) {
      // Try again soon, with jitter; if the token runs out first, the server closes with 4002
      // and the reconnect asks for a token again.
      this.clearConnectionTimer(connection, 'refreshTimer');
      connection.refreshTimer = this.env.timers.setTimeout(() => {
        connection.refreshTimer = undefined;
        void this.refreshToken(connection);
      }, 1_000 + Math.floor(this.env.random() * 4_000));
      return;
    }
    this.send(connection, { type: 'TOKEN_REFRESH', payload: { token } });
    connection.token = token;
    connection.tokenSince = this.env.now();
    this.scheduleTokenRefresh(connection);
    this.emitter.emit('tokenRefreshed', { expiresAt: tokenExpiry(token) });
  }

  // ---------------------------------------------------------------- ending connections

  private handleClose(connection: Connection, code: number, reason: string): void {
    const explained = connection.lastConnectionError;
    const message = explained?.message || reason || undefined;
    switch (code) {
      case CloseCode.AUTH_FAILED:
        this.authFailures++;
        if (this.authFailures >= 2) {
          this.fail({ reason: 'auth-failed', code, message });
          return;
        }
        this.rejectedToken = connection.token;
        this.dropConnection({ reason: 'auth-failed', code, message }, true);
        return;
      case CloseCode.TOKEN_EXPIRED:
        this.dropConnection({ reason: 'token-expired', code, message }, true);
        return;
      case CloseCode.TRY_AGAIN_LATER:
        this.dropConnection({ reason: 'too-many-connections', code, message });
        return;
      case CloseCode.SLOW_CONSUMER:
        this.dropConnection({ reason: 'slow-consumer', code, message });
        return;
      case CloseCode.INSTANCE_DECLARED_DEAD:
        this.dropConnection({ reason: 'instance-declared-dead', code, message });
        return;
      case CloseCode.OVER_BUDGET:
        this.dropConnection({ reason: 'over-budget', code, message });
        return;
      case CloseCode.GOING_AWAY:
        this.dropConnection({ reason: 'going-away', code, message });
        return;
      case CloseCode.PROTOCOL_ERROR:
      case CloseCode.INVALID_DATA:
      case CloseCode.MESSAGE_TOO_BIG:
        this.dropConnection({ reason: 'protocol-error', code, message });
        return;
      default:
        this.dropConnection({ reason: 'network', code, message });
    }
  }

  /** Ends the current connection and plans the next attempt (at once, or after a backoff). */
  private dropConnection(disconnect: Omit<Disconnect, 'willRetry'>, immediately = false): void {
    const delay = immediately ? 0 : backoffDelay(this.attempt, this.settings.backoff, this.env.random);
    this.attempt++;
    this.endConnection({ ...disconnect, willRetry: true, retryInMs: delay }, CloseCode.NORMAL);
    this.scheduleRetry(delay);
  }

  /** A connection attempt failed before a socket existed. */
  private connectionFailed(disconnect: Omit<Disconnect, 'willRetry'>): void {
    this.dropConnection(disconnect);
  }

  /** Stops for good: only a new start() tries again. */
  private fail(disconnect: Omit<Disconnect, 'willRetry'>): void {
    if (this.connection) this.endConnection({ ...disconnect, willRetry: false }, CloseCode.NORMAL);
    else this.recordDisconnect({ ...disconnect, willRetry: false });
    this.running = false;
    for (const stopWatching of this.unwatch) stopWatching();
    this.unwatch = [];
    this.clearTimer('retryTimer');
    this.setStatus('error');
  }

  private scheduleRetry(delay: number): void {
    if (!this.running) return;
    if (!this.env.network.current()) {
      this.waitForNetwork();
      return;
    }
    this.setStatus('disconnected');
    this.clearTimer('retryTimer');
    this.retryTimer = this.env.timers.setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  /** Offline: the next attempt waits for the `online` event. */
  private waitForNetwork(disconnect?: Disconnect): void {
    if (disconnect) this.recordDisconnect(disconnect);
    this.setStatus('disconnected');
    // `navigator.onLine` can be wrong (some VPNs): try now and then even while "offline".
    this.clearTimer('retryTimer');
    this.retryTimer = this.env.timers.setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.settings.backoff.maxDelayMs);
  }

  private endConnection(disconnect: Disconnect, closeCode: number): void {
    const connection = this.connection;
    this.generation++;
    if (!connection) {
      if (disconnect.reason !== 'stopped' || this.currentStatus !== 'disconnected') this.recordDisconnect(disconnect);
      return;
    }
    this.connection = undefined;
    for (const timer of ['pingTimer', 'pongTimer', 'connectTimer', 'stableTimer', 'refreshTimer'] as const) {
      this.clearConnectionTimer(connection, timer);
    }
    for (const request of connection.statusRequests) {
      request.reject(new ConnectionClosedError(`Connection closed: ${disconnect.reason}`));
    }
    this.registry.connectionLost();
    this.types.connectionLost();
    const socket = connection.socket;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      if (socket.readyState === 0 || socket.readyState === 1) socket.close(closeCode, disconnect.reason);
    } catch {
      // already closing
    }
    this.recordDisconnect(disconnect);
  }

  private recordDisconnect(disconnect: Disconnect): void {
    this.lastDisconnectValue = disconnect;
    this.emitter.emit('disconnected', disconnect);
  }

  // ---------------------------------------------------------------- small helpers

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    const previous = this.currentStatus;
    this.currentStatus = status;
    this.emitter.emit('status', { status, previous });
  }

  private clearTimer(name: 'retryTimer' | 'releaseTimer' | 'flushTimer'): void {
    const handle = this[name];
    if (handle !== undefined) {
      this.env.timers.clearTimeout(handle);
      this[name] = undefined;
    }
  }

  private clearConnectionTimer(
    connection: Connection,
    name: 'pingTimer' | 'pongTimer' | 'connectTimer' | 'stableTimer' | 'refreshTimer',
  ): void {
    const handle = connection[name];
    if (handle !== undefined) {
      this.env.timers.clearTimeout(handle);
      connection[name] = undefined;
    }
  }
}

function key(entity: EntityRef): string {
  return `${entity.entityCode}\u0000${entity.entityId}`;
}

function withToken(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
