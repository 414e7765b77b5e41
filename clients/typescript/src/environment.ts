/**
 * Everything the client takes from the browser, behind small interfaces so that tests can drive
 * it: the WebSocket constructor, timers and clock, randomness, and the network and visibility
 * signals. {@link browserEnvironment} fills in what the running platform offers.
 */

/** The part of the browser's WebSocket the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = new (url: string) => WebSocketLike;

export type TimerHandle = unknown;

export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A signal that can be read now and watched; `subscribe` returns the function that stops watching. */
export interface Signal {
  current(): boolean;
  subscribe(listener: (value: boolean) => void): () => void;
}

export interface ClientEnvironment {
  WebSocket: WebSocketFactory;
  timers: Timers;
  /** Milliseconds since the epoch; compared with the token's `exp` and with timers' due times. */
  now(): number;
  /** A number in [0, 1), for the backoff's jitter. */
  random(): number;
  /** true while the browser believes it is online (`navigator.onLine`, `online`/`offline` events). */
  network: Signal;
  /** true while the page is visible (`document.visibilityState`, `visibilitychange`). */
  visibility: Signal;
}

class MissingWebSocket {
  constructor() {
    throw new Error('No WebSocket in this environment: pass environment.WebSocket to RtsyncClient');
  }
}

const ALWAYS_TRUE: Signal = { current: () => true, subscribe: () => () => {} };

/** The running platform's WebSocket, timers, clock, network and visibility. */
export function browserEnvironment(): ClientEnvironment {
  const g = globalThis as unknown as {
    WebSocket?: WebSocketFactory;
    navigator?: { onLine?: boolean };
    document?: { visibilityState?: string; addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
    addEventListener?: EventTarget['addEventListener'];
    removeEventListener?: EventTarget['removeEventListener'];
  };
  const network: Signal =
    typeof g.addEventListener === 'function' && g.navigator
      ? {
          current: () => g.navigator?.onLine !== false,
          subscribe: (listener) => {
            const online = () => listener(true);
            const offline = () => listener(false);
            g.addEventListener!('online', online);
            g.addEventListener!('offline', offline);
            return () => {
              g.removeEventListener!('online', online);
              g.removeEventListener!('offline', offline);
            };
          },
        }
      : ALWAYS_TRUE;
  const doc = g.document;
  const visibility: Signal =
    doc && typeof doc.addEventListener === 'function'
      ? {
          current: () => doc.visibilityState !== 'hidden',
          subscribe: (listener) => {
            const changed = () => listener(doc.visibilityState !== 'hidden');
            doc.addEventListener!('visibilitychange', changed);
            return () => doc.removeEventListener!('visibilitychange', changed);
          },
        }
      : ALWAYS_TRUE;
  return {
    WebSocket: g.WebSocket ?? (MissingWebSocket as unknown as WebSocketFactory),
    timers: {
      setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    },
    now: () => Date.now(),
    random: () => Math.random(),
    network,
    visibility,
  };
}
