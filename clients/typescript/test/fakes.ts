import type { ClientEnvironment, Signal, Timers, WebSocketLike } from '../src/environment.js';
import { RtsyncClient, type ClientEvents, type RtsyncClientOptions } from '../src/client.js';

/** Timers and a clock that move only when a test says so. */
export class ManualClock implements Timers {
  nowMs = 1_700_000_000_000;
  private nextId = 1;
  private readonly pending = new Map<number, { due: number; callback: () => void }>();

  now = (): number => this.nowMs;

  setTimeout(callback: () => void, delayMs: number): number {
    const id = this.nextId++;
    this.pending.set(id, { due: this.nowMs + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves the clock forward, firing each timer when its time comes, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    for (;;) {
      await drainMicrotasks();
      const next = this.nextDue(end);
      if (!next) break;
      this.pending.delete(next.id);
      this.nowMs = Math.max(this.nowMs, next.due);
      next.callback();
    }
    this.nowMs = end;
    await drainMicrotasks();
  }

  /** The machine sleeps: the clock jumps, and no timer fires until it wakes (then they fire late). */
  async sleep(ms: number): Promise<void> {
    this.nowMs += ms;
    await this.advance(0);
  }

  /** Delays of pending timers from now, for assertions. */
  pendingDelays(): number[] {
    return [...this.pending.values()].map((timer) => timer.due - this.nowMs).sort((a, b) => a - b);
  }

  private nextDue(end: number): { id: number; due: number; callback: () => void } | undefined {
    let best: { id: number; due: number; callback: () => void } | undefined;
    for (const [id, timer] of this.pending) {
      if (timer.due > end) continue;
      if (!best || timer.due < best.due || (timer.due === best.due && id < best.id)) best = { id, ...timer };
    }
    return best;
  }
}

export async function drainMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeSignal implements Signal {
  private readonly listeners = new Set<(value: boolean) => void>();
  constructor(private value: boolean) {}
  current = (): boolean => this.value;
  subscribe = (listener: (value: boolean) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(value: boolean): void {
    this.value = value;
    for (const listener of [...this.listeners]) listener(value);
  }
}

type Frame = { type: string; payload?: Record<string, unknown> };

/** One socket of the {@link FakeServer}: what the client sent, and the server's side of it. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Frame[] = [];
  closedByClient: { code?: number; reason?: string } | undefined;
  /** Refused at authentication: answers nothing. */
  rejected = false;

  constructor(
    readonly url: string,
    private readonly server: FakeServer,
  ) {}

  get token(): string | null {
    return new URL(this.url).searchParams.get('token');
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    const frame = JSON.parse(data) as Frame;
    this.sent.push(frame);
    this.server.answer(this, frame);
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  // ---- the server's side ----

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  deliver(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  closeFromServer(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  sentOfType(type: string): Frame[] {
    return this.sent.filter((frame) => frame.type === type);
  }
}

/**
 * A scripted rtsync: sockets open on the next tick unless `refuseConnections`; SUBSCRIBE is
 * answered SUBSCRIBED, PING is answered PONG unless `answerPings` is false.
 */
export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  refuseConnections = false;
  /** Sockets stay CONNECTING, as behind a black-holed network. */
  holdConnections = false;
  answerPings = true;
  /** Tokens refused as the real server does: the upgrade completes, then ERROR AUTH_FAILED and close 4001. */
  rejectToken: (token: string | null) => boolean = () => false;
  /** When set, SUBSCRIBE is answered with this ERROR code instead. */
  subscribeError: string | undefined;
  /** When set, SUBSCRIBE_TYPE is answered with this ERROR code instead of TYPE_SUBSCRIBED. */
  typeSubscribeError: string | undefined;

  constructor(private readonly clock: ManualClock) {}

  readonly WebSocket = ((server: FakeServer) =>
    class {
      constructor(url: string) {
        const socket = new FakeSocket(url, server);
        server.sockets.push(socket);
        server.clock.setTimeout(() => {
          if (socket.readyState !== 0 || server.holdConnections) return;
          if (server.refuseConnections) {
            socket.closeFromServer(1006);
          } else if (server.rejectToken(socket.token)) {
            socket.rejected = true;
            socket.open();
            server.clock.setTimeout(() => {
              socket.deliver({ type: 'ERROR', payload: { code: 'AUTH_FAILED', message: 'Invalid token: Expired JWT' } });
              socket.closeFromServer(4001);
            }, 0);
          } else {
            socket.open();
          }
        }, 0);
        return socket;
      }
    })(this) as unknown as new (url: string) => WebSocketLike;

  get last(): FakeSocket {
    const socket = this.sockets[this.sockets.length - 1];
    if (!socket) throw new Error('no socket yet');
    return socket;
  }

  answer(socket: FakeSocket, frame: Frame): void {
    if (socket.rejected) return;
    switch (frame.type) {
      case 'SUBSCRIBE': {
        if (this.subscribeError) {
          socket.deliver({ type: 'ERROR', payload: { code: this.subscribeError, message: 'refused' } });
          return;
        }
        const ids = (frame.payload?.['entityIds'] as string[]) ?? [];
        socket.deliver({ type: 'SUBSCRIBED', payload: { count: new Set(ids).size } });
        return;
      }
      case 'SUBSCRIBE_TYPE':
        socket.deliver(
          this.typeSubscribeError
            ? { type: 'ERROR', payload: { code: this.typeSubscribeError, message: 'refused' } }
            : { type: 'TYPE_SUBSCRIBED', payload: { entityCode: frame.payload?.['entityCode'] } },
        );
        return;
      case 'PING':
        if (this.answerPings) socket.deliver({ type: 'PONG' });
        return;
      case 'STATUS':
        socket.deliver({
          type: 'STATUS_REPORT',
          payload: { connectionId: 'c-1', subscriptions: 0, tokenExpiresIn: 100 },
        });
        return;
    }
  }
}

export const PROJECT_1 = '550e8400-e29b-41d4-a716-446655440001';
export const PROJECT_2 = '550e8400-e29b-41d4-a716-446655440002';
export const PROJECT_3 = '550e8400-e29b-41d4-a716-446655440003';

/** An unsigned JWT-shaped token whose `exp` the client can read (the fake server checks nothing). */
export function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

export interface Harness {
  client: RtsyncClient;
  clock: ManualClock;
  server: FakeServer;
  network: FakeSignal;
  visibility: FakeSignal;
  environment: ClientEnvironment;
  tokens: string[];
  events: Array<{ type: keyof ClientEvents; event: unknown }>;
  eventsOf<K extends keyof ClientEvents>(type: K): Array<ClientEvents[K]>;
}

/** A client on a fake server, with every dependency manual; tokens are `token-1`, `token-2`… unless getToken is given. */
export function harness(options: Partial<RtsyncClientOptions> = {}): Harness {
  const clock = new ManualClock();
  const server = new FakeServer(clock);
  const network = new FakeSignal(true);
  const visibility = new FakeSignal(true);
  const environment: ClientEnvironment = {
    WebSocket: server.WebSocket,
    timers: clock,
    now: clock.now,
    random: () => 0.5,
    network,
    visibility,
  };
  const tokens: string[] = [];
  const client = new RtsyncClient({
    url: 'ws://rtsync.test:4001',
    getToken: () => {
      const token = `token-${tokens.length + 1}`;
      tokens.push(token);
      return token;
    },
    ...options,
    environment: { ...environment, ...options.environment },
  });
  const events: Harness['events'] = [];
  for (const type of ['status', 'connected', 'disconnected', 'invalidate', 'resync', 'error', 'tokenRefreshed'] as const) {
    client.on(type, (event) => events.push({ type, event }));
  }
  return {
    client,
    clock,
    server,
    network,
    visibility,
    environment,
    tokens,
    events,
    eventsOf: <K extends keyof ClientEvents>(type: K) =>
      events.filter((entry) => entry.type === type).map((entry) => entry.event as ClientEvents[K]),
  };
}
