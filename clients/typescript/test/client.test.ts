import { describe, expect, it } from 'vitest';
import { harness, jwt, PROJECT_1, PROJECT_2, PROJECT_3 } from './fakes.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

describe('the connection state machine', () => {
  it('goes disconnected, connecting, connected, and names the reason of every disconnect', async () => {
    const h = harness();
    expect(h.client.status).toBe('disconnected');
    h.client.start();
    expect(h.client.status).toBe('connecting');
    await h.clock.advance(0);
    expect(h.client.status).toBe('connected');

    h.server.last.closeFromServer(1001, 'Server shutting down');
    expect(h.client.status).toBe('disconnected');
    expect(h.eventsOf('disconnected')).toEqual([
      { reason: 'going-away', code: 1001, message: 'Server shutting down', willRetry: true, retryInMs: 250 },
    ]);
    await h.clock.advance(250);
    expect(h.client.status).toBe('connected');
    expect(h.eventsOf('status').map((event) => event.status)).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'connecting',
      'connected',
    ]);

    h.client.stop();
    expect(h.client.status).toBe('disconnected');
    expect(h.client.lastDisconnect).toEqual({ reason: 'stopped', willRetry: false });
    expect(h.server.last.closedByClient).toEqual({ code: 1000, reason: 'stopped' });
    await h.clock.advance(60_000);
    expect(h.server.sockets).toHaveLength(2);
  });

  it('maps each close code to its reason', async () => {
    const cases: Array<[number, string]> = [
      [1006, 'network'],
      [1001, 'going-away'],
      [1013, 'too-many-connections'],
      [4008, 'slow-consumer'],
      [4010, 'instance-declared-dead'],
      [4029, 'over-budget'],
      [4002, 'token-expired'],
      [1009, 'protocol-error'],
    ];
    for (const [code, reason] of cases) {
      const h = harness();
      h.client.start();
      await h.clock.advance(0);
      h.server.last.closeFromServer(code);
      expect(h.client.lastDisconnect?.reason, `close ${code}`).toBe(reason);
      expect(h.client.lastDisconnect?.willRetry).toBe(true);
    }
  });

  it('waits a growing, jittered time between failed attempts, and starts counting again after a stable connection', async () => {
    const h = harness({ environment: { random: () => 0.999 } });
    h.server.refuseConnections = true;
    h.client.start();
    await h.clock.advance(0);
    const waits = () => h.eventsOf('disconnected').map((event) => event.retryInMs);
    expect(waits()).toEqual([499]);
    await h.clock.advance(499);
    await h.clock.advance(999);
    await h.clock.advance(1_998);
    expect(waits()).toEqual([499, 999, 1_998, 3_996]);
    for (let i = 0; i < 10; i++) await h.clock.advance(30_000);
    expect(Math.max(...waits().map(Number))).toBe(29_970);

    h.server.refuseConnections = false;
    await h.clock.advance(30_000);
    expect(h.client.status).toBe('connected');
    await h.clock.advance(5_000); // stable: the counter starts again
    h.server.last.closeFromServer(1006);
    expect(h.client.lastDisconnect?.retryInMs).toBe(499);
  });

  it('does not reset the attempt counter for a connection that drops within seconds', async () => {
    const h = harness({ environment: { random: () => 0.999 } });
    h.client.start();
    await h.clock.advance(0);
    h.server.last.closeFromServer(1006);
    await h.clock.advance(499);
    await h.clock.advance(1_000);
    h.server.last.closeFromServer(1006);
    expect(h.eventsOf('disconnected').map((event) => event.retryInMs)).toEqual([499, 999]);
  });

  it('gives up on a connection that does not open within the connect timeout', async () => {
    const h = harness({ connectTimeoutMs: 5_000 });
    h.server.holdConnections = true;
    h.client.start();
    await h.clock.advance(4_999);
    expect(h.client.status).toBe('connecting');
    await h.clock.advance(1);
    expect(h.client.lastDisconnect).toMatchObject({ reason: 'connect-timeout', willRetry: true });
    expect(h.server.sockets[0]!.closedByClient).toEqual({ code: 1000, reason: 'connect-timeout' });
  });
});

describe('subscriptions', () => {
  it('sends one SUBSCRIBE per tick for everything subscribed in it, after the connection opens', async () => {
    const h = harness();
    h.client.subscribe('project', [PROJECT_1]);
    h.client.subscribe('project', [PROJECT_2, PROJECT_1]);
    h.client.start();
    await h.clock.advance(0);
    expect(h.server.last.sentOfType('SUBSCRIBE')).toEqual([
      { type: 'SUBSCRIBE', payload: { entityCode: 'project', entityIds: [PROJECT_1, PROJECT_2] } },
    ]);
    h.client.subscribe('task', [PROJECT_3]);
    h.client.subscribe('task', [PROJECT_1]);
    await h.clock.advance(0);
    expect(h.server.last.sentOfType('SUBSCRIBE')).toHaveLength(2);
    expect(h.server.last.sentOfType('SUBSCRIBE')[1]).toEqual({
      type: 'SUBSCRIBE',
      payload: { entityCode: 'task', entityIds: [PROJECT_3, PROJECT_1] },
    });
  });

  it('counts references: two holders make one subscription, the last release ends it after the delay', async () => {
    const h = harness({ unsubscribeDelayMs: 1_000 });
    h.client.start();
    await h.clock.advance(0);
    const first = h.client.subscribe('project', [PROJECT_1]);
    const second = h.client.subscribe('project', [PROJECT_1]);
    await h.clock.advance(0);
    expect(h.server.last.sentOfType('SUBSCRIBE')).toHaveLength(1);

    first();
    first(); // a second call releases nothing more
    await h.clock.advance(5_000);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([]);

    second();
    await h.clock.advance(999);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([]);
    await h.clock.advance(1);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([
      { type: 'UNSUBSCRIBE', payload: { entityCode: 'project', entityIds: [PROJECT_1] } },
    ]);
  });

  it('sends nothing for a mount, unmount and remount (React StrictMode)', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    const mount = () => h.client.subscribe('project', [PROJECT_1, PROJECT_2]);
    const unmount = mount();
    unmount();
    const remounted = mount();
    await h.clock.advance(10_000);
    expect(h.server.last.sentOfType('SUBSCRIBE')).toHaveLength(1);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([]);
    remounted();
    await h.clock.advance(10_000);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toHaveLength(1);
  });

  it('splits a large subscription into SUBSCRIBEs of at most 1,000 ids', async () => {
    const h = harness();
    const ids = Array.from({ length: 2_500 }, (_, i) => uuid(i));
    h.client.subscribe('project', ids);
    h.client.start();
    await h.clock.advance(0);
    const batches = h.server.last.sentOfType('SUBSCRIBE').map((frame) => (frame.payload!['entityIds'] as string[]).length);
    expect(batches).toEqual([1_000, 1_000, 500]);
    expect(h.client.status).toBe('connected');
  });

  it('unsubscribes a whole entity code, and everything', async () => {
    const h = harness();
    h.client.start();
    h.client.subscribe('project', [PROJECT_1]);
    h.client.subscribe('task', [PROJECT_2]);
    await h.clock.advance(0);
    h.client.unsubscribe('project');
    await h.clock.advance(0);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([{ type: 'UNSUBSCRIBE', payload: { entityCode: 'project' } }]);
    h.client.unsubscribeAll();
    expect(h.server.last.sentOfType('UNSUBSCRIBE_ALL')).toHaveLength(1);
    expect(h.client.subscriptions()).toEqual([]);
  });

  it('refuses an entity code or id the server would refuse, before sending anything', () => {
    const h = harness();
    expect(() => h.client.subscribe('Project', [PROJECT_1])).toThrow(/Invalid entity code "Project"/);
    expect(() => h.client.subscribe('project', [PROJECT_1, 'temp-1'])).toThrow(/index 1: "temp-1" is not a UUID/);
    expect(h.client.subscriptions()).toEqual([]);
  });

  it('reports a final refusal with its entities and does not ask again; retries a retryable one', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    h.server.subscribeError = 'TOO_MANY_SUBSCRIPTIONS';
    h.client.subscribe('project', [PROJECT_1]);
    await h.clock.advance(0);
    expect(h.eventsOf('error')).toEqual([
      {
        code: 'TOO_MANY_SUBSCRIPTIONS',
        message: 'refused',
        retryable: false,
        entities: [{ entityCode: 'project', entityId: PROJECT_1 }],
      },
    ]);
    await h.clock.advance(60_000);
    expect(h.server.last.sentOfType('SUBSCRIBE')).toHaveLength(1);

    h.server.subscribeError = 'UNAVAILABLE';
    h.client.subscribe('project', [PROJECT_2]);
    await h.clock.advance(0);
    expect(h.eventsOf('error')[1]).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    h.server.subscribeError = undefined;
    await h.clock.advance(10_000);
    const sent = h.server.last.sentOfType('SUBSCRIBE').map((frame) => frame.payload!['entityIds']);
    expect(sent).toEqual([[PROJECT_1], [PROJECT_2], [PROJECT_2]]);
    // Subscribed late: a change in between may have been missed.
    expect(h.eventsOf('invalidate')).toEqual([
      { reason: 'resync', entities: [{ entityCode: 'project', entityId: PROJECT_2 }] },
    ]);
  });
});

describe('after a reconnect', () => {
  it('subscribes everything again before reporting connected, then reports every entity invalidated', async () => {
    const h = harness();
    h.client.subscribe('project', [PROJECT_1, PROJECT_2]);
    h.client.subscribe('task', [PROJECT_3]);
    h.client.start();
    await h.clock.advance(0);
    expect(h.eventsOf('connected')).toEqual([{ reconnect: false }]);
    expect(h.eventsOf('resync')).toEqual([]);

    h.server.last.closeFromServer(1006);
    const order: string[] = [];
    h.client.on('status', (event) =>
      order.push(`status ${event.status} after ${h.server.sockets[1]?.sentOfType('SUBSCRIBE').length ?? 0} SUBSCRIBE`),
    );
    h.client.on('resync', () => order.push('resync'));
    await h.clock.advance(1_000);

    expect(h.server.last.sentOfType('SUBSCRIBE').map((frame) => frame.payload)).toEqual([
      { entityCode: 'project', entityIds: [PROJECT_1, PROJECT_2] },
      { entityCode: 'task', entityIds: [PROJECT_3] },
    ]);
    expect(order).toEqual(['status connecting after 0 SUBSCRIBE', 'status connected after 2 SUBSCRIBE', 'resync']);
    const everything = [
      { entityCode: 'project', entityId: PROJECT_1 },
      { entityCode: 'project', entityId: PROJECT_2 },
      { entityCode: 'task', entityId: PROJECT_3 },
    ];
    expect(h.eventsOf('resync')).toEqual([{ entities: everything, entityCodes: [] }]);
    expect(h.eventsOf('invalidate')).toEqual([{ reason: 'resync', entities: everything }]);
    expect(h.eventsOf('connected')).toEqual([{ reconnect: false }, { reconnect: true }]);
  });

  it('subscribes again what was released too recently to expire, and not what expired meanwhile', async () => {
    const h = harness({ unsubscribeDelayMs: 1_000 });
    const releaseFirst = h.client.subscribe('project', [PROJECT_1]);
    const releaseSecond = h.client.subscribe('project', [PROJECT_2]);
    h.client.start();
    await h.clock.advance(0);
    releaseFirst();
    await h.clock.advance(1_000);
    releaseSecond();
    h.server.last.closeFromServer(1006);
    await h.clock.advance(250); // reconnects within PROJECT_2's delay
    expect(h.server.last.sentOfType('SUBSCRIBE').map((frame) => frame.payload)).toEqual([
      { entityCode: 'project', entityIds: [PROJECT_2] },
    ]);
    expect(h.eventsOf('resync')).toEqual([{ entities: [{ entityCode: 'project', entityId: PROJECT_2 }], entityCodes: [] }]);
    await h.clock.advance(1_000);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toHaveLength(1);
  });

  it('does not report connected while a SUBSCRIBE of the reconnect fails, and tries the connection again', async () => {
    const h = harness();
    h.client.subscribe('project', [PROJECT_1]);
    h.client.start();
    await h.clock.advance(0);
    h.server.subscribeError = 'UNAVAILABLE';
    h.server.last.closeFromServer(1006);
    await h.clock.advance(300);
    expect(h.client.lastDisconnect?.reason).toBe('subscribe-failed');
    expect(h.eventsOf('connected')).toHaveLength(1);
    h.server.subscribeError = undefined;
    await h.clock.advance(5_000);
    expect(h.eventsOf('connected')).toHaveLength(2);
    expect(h.eventsOf('resync')).toHaveLength(1);
  });

  it('takes an OVER_BUDGET answer to a SUBSCRIBE of the reconnect as that SUBSCRIBE refused, for now', async () => {
    const h = harness();
    h.client.subscribe('project', [PROJECT_1]);
    h.client.start();
    await h.clock.advance(0);
    h.server.subscribeError = 'OVER_BUDGET';
    h.server.last.closeFromServer(1006);
    await h.clock.advance(300);
    expect(h.client.lastDisconnect?.reason).toBe('subscribe-failed');
    expect(h.eventsOf('error').at(-1)).toMatchObject({ code: 'OVER_BUDGET', retryable: true });
    h.server.subscribeError = undefined;
    await h.clock.advance(5_000);
    expect(h.eventsOf('connected')).toHaveLength(2);
  });
});

describe('tokens', () => {
  it('asks getToken() before every connect and never reuses a token', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    h.server.last.closeFromServer(1006);
    await h.clock.advance(1_000);
    h.server.last.closeFromServer(4002);
    await h.clock.advance(0);
    expect(h.server.sockets.map((socket) => socket.token)).toEqual(['token-1', 'token-2', 'token-3']);
  });

  it('refreshes before exp without a disconnect, on a timer from the token', async () => {
    const h = harness();
    let n = 0;
    const tokens: string[] = [];
    const client = harness({
      getToken: () => {
        const token = jwt({ sub: 'u', exp: Math.floor(h.clock.now() / 1000) + 600, n: n++ });
        tokens.push(token);
        return token;
      },
      environment: { ...h.environment },
    });
    client.client.start();
    await h.clock.advance(0);
    const socket = h.server.last;
    await h.clock.advance(539_000);
    expect(socket.sentOfType('TOKEN_REFRESH')).toEqual([]);
    await h.clock.advance(1_000); // 60 s before exp
    expect(socket.sentOfType('TOKEN_REFRESH')).toEqual([{ type: 'TOKEN_REFRESH', payload: { token: tokens[1] } }]);
    await h.clock.advance(540_000);
    expect(socket.sentOfType('TOKEN_REFRESH')).toHaveLength(2);
    expect(client.eventsOf('disconnected')).toEqual([]);
    expect(h.server.sockets).toHaveLength(1);
    expect(client.eventsOf('tokenRefreshed')).toHaveLength(2);
  });

  it('refreshes a token without a readable exp on TOKEN_EXPIRING_SOON', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    h.server.last.deliver({ type: 'TOKEN_EXPIRING_SOON', payload: { expiresIn: 300 } });
    await h.clock.advance(0);
    expect(h.server.last.sentOfType('TOKEN_REFRESH')).toEqual([{ type: 'TOKEN_REFRESH', payload: { token: 'token-2' } }]);
  });

  it('ignores a warning that comes before its own refresh plan, so a short-lived token is not refreshed in a loop', async () => {
    const h = harness();
    const client = harness({
      getToken: () => jwt({ sub: 'u', exp: Math.floor(h.clock.now() / 1000) + 120, at: h.clock.now() }),
      environment: { ...h.environment },
    });
    client.client.start();
    await h.clock.advance(0);
    h.server.last.deliver({ type: 'TOKEN_EXPIRING_SOON', payload: { expiresIn: 120 } });
    await h.clock.advance(0);
    expect(h.server.last.sentOfType('TOKEN_REFRESH')).toEqual([]);
    await h.clock.advance(60_000);
    expect(h.server.last.sentOfType('TOKEN_REFRESH')).toHaveLength(1);
  });

  it('retries a failed refresh with jitter, keeping the connection', async () => {
    const h = harness();
    let fail = false;
    let calls = 0;
    const client = harness({
      getToken: () => {
        calls++;
        if (fail) throw new Error('auth server down');
        return `opaque-${calls}`;
      },
      environment: { ...h.environment },
    });
    client.client.start();
    await h.clock.advance(0);
    fail = true;
    h.server.last.deliver({ type: 'TOKEN_EXPIRING_SOON', payload: { expiresIn: 300 } });
    await h.clock.advance(0);
    expect(calls).toBe(2);
    await h.clock.advance(5_000);
    expect(calls).toBe(3);
    fail = false;
    await h.clock.advance(5_000);
    expect(h.server.last.sentOfType('TOKEN_REFRESH')).toEqual([{ type: 'TOKEN_REFRESH', payload: { token: 'opaque-4' } }]);
    expect(client.eventsOf('disconnected')).toEqual([]);
  });

  it('tries a fresh token once after an auth failure, then stops with status error', async () => {
    const h = harness();
    h.server.rejectToken = (token) => token === 'token-1';
    h.client.start();
    await h.clock.advance(0);
    expect(h.eventsOf('disconnected')).toEqual([
      { reason: 'auth-failed', code: 4001, message: 'Invalid token: Expired JWT', willRetry: true, retryInMs: 0 },
    ]);
    expect(h.server.last.token).toBe('token-2');
    expect(h.client.status).toBe('connected');
    expect(h.eventsOf('status').map((event) => event.status)).toEqual(['connecting', 'disconnected', 'connecting', 'connected']);

    // Later, the user is logged out: fresh tokens fail too.
    h.server.rejectToken = () => true;
    h.server.last.closeFromServer(4002);
    await h.clock.advance(0);
    expect(h.client.status).toBe('error');
    expect(h.client.lastDisconnect).toMatchObject({ reason: 'auth-failed', code: 4001, willRetry: false });
    await h.clock.advance(120_000);
    expect(h.server.sockets.map((socket) => socket.token)).toEqual(['token-1', 'token-2', 'token-3', 'token-4']);
  });

  it('stops at once when getToken() hands back the token just refused', async () => {
    const h = harness({ getToken: () => 'always-the-same' });
    h.client.start();
    await h.clock.advance(0);
    h.server.last.closeFromServer(4001);
    await h.clock.advance(0);
    expect(h.client.status).toBe('error');
    expect(h.client.lastDisconnect?.message).toMatch(/token the server has just refused/);
    expect(h.server.sockets).toHaveLength(1);
  });

  it('retries with backoff when getToken() fails', async () => {
    const h = harness({
      getToken: () => {
        throw new Error('not logged in yet');
      },
    });
    h.client.start();
    await h.clock.advance(0);
    expect(h.client.lastDisconnect).toMatchObject({ reason: 'token-unavailable', message: 'not logged in yet', willRetry: true });
    expect(h.server.sockets).toHaveLength(0);
  });
});

describe('heartbeat and sleeping machines', () => {
  it('pings every 30 s and reconnects when no PONG comes back', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    expect(h.server.last.sentOfType('PING')).toHaveLength(1); // the handshake's
    await h.clock.advance(30_000);
    expect(h.server.last.sentOfType('PING')).toHaveLength(2);
    await h.clock.advance(30_000);
    expect(h.server.last.sentOfType('PING')).toHaveLength(3);
    expect(h.client.status).toBe('connected');

    h.server.answerPings = false;
    await h.clock.advance(30_000);
    await h.clock.advance(9_999);
    expect(h.client.status).toBe('connected');
    await h.clock.advance(1);
    expect(h.client.lastDisconnect).toMatchObject({ reason: 'heartbeat-timeout', willRetry: true });
    expect(h.server.sockets[0]!.closedByClient).toEqual({ code: 1000, reason: 'heartbeat-timeout' });
  });

  it('reconnects when a visible page timer fires far too late, as after a laptop slept', async () => {
    const h = harness();
    h.client.subscribe('project', [PROJECT_1]);
    h.client.start();
    await h.clock.advance(0);
    await h.clock.sleep(10 * 60_000);
    expect(h.client.lastDisconnect).toMatchObject({ reason: 'sleep-detected', retryInMs: 0 });
    await h.clock.advance(0);
    expect(h.server.sockets).toHaveLength(2);
    expect(h.eventsOf('resync')).toHaveLength(1);
  });

  it('tolerates late timers of a hidden page, which browsers throttle, and checks at once when it is shown', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    h.visibility.set(false);
    await h.clock.sleep(60_000);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.server.last.sentOfType('PING')).toHaveLength(2); // the handshake's and the late one
    await h.clock.advance(20_000);
    const pings = h.server.last.sentOfType('PING').length;
    h.visibility.set(true);
    expect(h.server.last.sentOfType('PING')).toHaveLength(pings + 1);
    expect(h.client.status).toBe('connected');
  });

  it('connects at once when the page is shown while waiting to retry', async () => {
    const h = harness({ backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    h.client.start();
    await h.clock.advance(0);
    h.server.last.closeFromServer(1006);
    await h.clock.advance(0);
    expect(h.server.sockets).toHaveLength(1);
    h.visibility.set(true);
    await h.clock.advance(0);
    expect(h.server.sockets).toHaveLength(2);
    expect(h.client.status).toBe('connected');
  });
});

describe('network', () => {
  it('closes at once when offline, and reconnects at once when online', async () => {
    const h = harness({ backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    h.client.start();
    await h.clock.advance(0);
    h.network.set(false);
    expect(h.server.last.closedByClient).toEqual({ code: 1000, reason: 'offline' });
    expect(h.client.status).toBe('disconnected');
    expect(h.client.lastDisconnect).toMatchObject({ reason: 'offline', willRetry: true });
    await h.clock.advance(30_000);
    expect(h.server.sockets).toHaveLength(1);
    h.network.set(true);
    await h.clock.advance(0);
    expect(h.server.sockets).toHaveLength(2);
    expect(h.client.status).toBe('connected');
  });

  it('starting offline waits for the network', async () => {
    const h = harness();
    h.network.set(false);
    h.client.start();
    await h.clock.advance(10_000);
    expect(h.server.sockets).toHaveLength(0);
    h.network.set(true);
    await h.clock.advance(0);
    expect(h.client.status).toBe('connected');
  });
});

describe('invalidations', () => {
  const invalidate = (entityId: string, version: number, entityCode = 'project') => ({
    type: 'INVALIDATE',
    payload: { entityCode, changes: [{ entityId, action: 'UPDATE', version }], timestamp: '2026-01-01T00:00:00.000Z' },
  });

  it('delivers the changes of one tick together, and skips versions already seen', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    h.server.last.deliver(invalidate(PROJECT_1, 5));
    h.server.last.deliver(invalidate(PROJECT_2, 6));
    h.server.last.deliver(invalidate(PROJECT_1, 5));
    h.server.last.deliver(invalidate(PROJECT_1, 4));
    expect(h.eventsOf('invalidate')).toEqual([]);
    await h.clock.advance(0);
    expect(h.eventsOf('invalidate')).toEqual([
      {
        reason: 'change',
        entities: [
          { entityCode: 'project', entityId: PROJECT_1, action: 'UPDATE', version: 5 },
          { entityCode: 'project', entityId: PROJECT_2, action: 'UPDATE', version: 6 },
        ],
      },
    ]);
    h.server.last.deliver(invalidate(PROJECT_1, 5));
    await h.clock.advance(0);
    expect(h.eventsOf('invalidate')).toHaveLength(1);
    h.server.last.deliver(invalidate(PROJECT_1, 7));
    await h.clock.advance(0);
    expect(h.eventsOf('invalidate')).toHaveLength(2);
  });

  it('remembers versions across reconnects', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    h.server.last.deliver(invalidate(PROJECT_1, 5));
    h.server.last.closeFromServer(1006);
    await h.clock.advance(1_000);
    h.server.last.deliver(invalidate(PROJECT_1, 5));
    await h.clock.advance(0);
    expect(h.eventsOf('invalidate').filter((event) => event.reason === 'change')).toHaveLength(1);
  });

  it('keeps going when a listener throws', async () => {
    const h = harness();
    const seen: number[] = [];
    h.client.on('invalidate', () => {
      throw new Error('app bug');
    });
    h.client.on('invalidate', (event) => seen.push(event.entities.length));
    const reported: unknown[] = [];
    const original = globalThis.reportError;
    globalThis.reportError = (error: unknown) => reported.push(error);
    try {
      h.client.start();
      await h.clock.advance(0);
      h.server.last.deliver(invalidate(PROJECT_1, 1));
      await h.clock.advance(0);
    } finally {
      globalThis.reportError = original;
    }
    expect(seen).toEqual([1]);
    expect(reported).toHaveLength(1);
    expect(h.client.status).toBe('connected');
  });

  it('drops the connection on a frame it cannot read, but skips message types it does not know', async () => {
    const h = harness();
    h.client.start();
    await h.clock.advance(0);
    h.server.last.deliver({ type: 'SOMETHING_NEW', payload: {} });
    expect(h.client.status).toBe('connected');
    h.server.last.deliver({ type: 'SUBSCRIBED', payload: { count: 'three' } });
    expect(h.client.lastDisconnect).toMatchObject({ reason: 'protocol-error', message: 'count must be a number' });
  });
});

describe('lifecycle', () => {
  it('keeps the connection through a quick release and retain, and stops after the last release', async () => {
    const h = harness();
    const release = h.client.retain();
    await h.clock.advance(0);
    release();
    const again = h.client.retain();
    await h.clock.advance(5_000);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.client.status).toBe('connected');
    again();
    await h.clock.advance(5_000);
    expect(h.client.status).toBe('disconnected');
    expect(h.client.lastDisconnect?.reason).toBe('stopped');
  });

  it('answers requestStatus with the server report', async () => {
    const h = harness();
    await expect(h.client.requestStatus()).rejects.toThrow('Not connected');
    h.client.start();
    await h.clock.advance(0);
    await expect(h.client.requestStatus()).resolves.toEqual({ connectionId: 'c-1', subscriptions: 0, tokenExpiresIn: 100 });
  });

  it('refuses options without a URL or a token source', () => {
    expect(() => new (harness().client.constructor as never as new (o: unknown) => unknown)({ getToken: () => 't' })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => new (harness().client.constructor as never as new (o: unknown) => unknown)({ url: 'ws://x' })).toThrow(/getToken/);
  });
});
