import { describe, expect, it } from 'vitest';
import { harness, PROJECT_1 } from './fakes.js';

describe('subscriptions to a whole entity type (SUBSCRIBE_TYPE)', () => {
  it('sends one SUBSCRIBE_TYPE for any number of holders, and reports connected only once it is answered', async () => {
    const h = harness();
    h.client.subscribeType('task');
    h.client.subscribeType('task');
    h.client.subscribe('project', [PROJECT_1]);
    h.client.start();
    await h.clock.advance(0);

    expect(h.server.last.sentOfType('SUBSCRIBE_TYPE').map((frame) => frame.payload)).toEqual([{ entityCode: 'task' }]);
    expect(h.client.status).toBe('connected');
    expect(h.client.typeSubscriptions()).toEqual(['task']);
  });

  it('holds the connection back from connected until TYPE_SUBSCRIBED arrives', async () => {
    const h = harness();
    h.client.subscribeType('task');
    const answer = h.server.answer.bind(h.server);
    h.server.answer = (socket, frame) => {
      if (frame.type !== 'SUBSCRIBE_TYPE') answer(socket, frame);
    };
    h.client.start();
    await h.clock.advance(0);
    expect(h.client.status).toBe('connecting');

    h.server.last.deliver({ type: 'TYPE_SUBSCRIBED', payload: { entityCode: 'task' } });
    expect(h.client.status).toBe('connected');
  });

  it('subscribes the type again after a reconnect and names it in the resync', async () => {
    const h = harness();
    h.client.subscribeType('task');
    h.client.start();
    await h.clock.advance(0);

    h.server.last.closeFromServer(1006);
    await h.clock.advance(1_000);

    expect(h.server.sockets).toHaveLength(2);
    expect(h.server.last.sentOfType('SUBSCRIBE_TYPE')).toHaveLength(1);
    expect(h.eventsOf('resync')).toEqual([{ entities: [], entityCodes: ['task'] }]);
  });

  it('sends UNSUBSCRIBE_TYPE after the last holder let go, and nothing for a StrictMode release and re-acquire', async () => {
    const h = harness({ unsubscribeDelayMs: 1_000 });
    const first = h.client.subscribeType('task');
    h.client.start();
    await h.clock.advance(0);

    first();
    const second = h.client.subscribeType('task');
    await h.clock.advance(2_000);
    expect(h.server.last.sentOfType('UNSUBSCRIBE_TYPE')).toEqual([]);
    expect(h.server.last.sentOfType('SUBSCRIBE_TYPE')).toHaveLength(1);

    second();
    second();
    await h.clock.advance(999);
    expect(h.server.last.sentOfType('UNSUBSCRIBE_TYPE')).toEqual([]);
    await h.clock.advance(1);
    expect(h.server.last.sentOfType('UNSUBSCRIBE_TYPE').map((frame) => frame.payload)).toEqual([{ entityCode: 'task' }]);
    expect(h.client.typeSubscriptions()).toEqual([]);
  });

  it('reports a code the server does not allow as a final error with its entity code, and never asks again', async () => {
    const h = harness();
    h.server.typeSubscribeError = 'TYPE_SUBSCRIPTION_NOT_ALLOWED';
    h.client.subscribeType('project');
    h.client.subscribe('project', [PROJECT_1]);
    h.client.start();
    await h.clock.advance(0);

    expect(h.client.status).toBe('connected');
    expect(h.eventsOf('error')).toEqual([
      { code: 'TYPE_SUBSCRIPTION_NOT_ALLOWED', message: 'refused', retryable: false, entityCode: 'project' },
    ]);
    // The SUBSCRIBE's own answer was not taken for the refusal: the id stays subscribed.
    expect(h.client.subscriptions()).toEqual([{ entityCode: 'project', entityId: PROJECT_1 }]);
    expect(h.client.typeSubscriptions()).toEqual([]);

    h.server.last.closeFromServer(1006);
    await h.clock.advance(1_000);
    expect(h.server.last.sentOfType('SUBSCRIBE_TYPE')).toEqual([]);
  });

  it('connects to a server older than SUBSCRIBE_TYPE, which answers it UNKNOWN_TYPE, and reports the refusal', async () => {
    const h = harness();
    h.server.typeSubscribeError = 'UNKNOWN_TYPE';
    h.client.subscribeType('task');
    h.client.start();
    await h.clock.advance(0);

    expect(h.client.status).toBe('connected');
    expect(h.eventsOf('error')).toEqual([{ code: 'UNKNOWN_TYPE', message: 'refused', retryable: false, entityCode: 'task' }]);
  });

  it('refuses a malformed entity code at once', () => {
    const h = harness();
    expect(() => h.client.subscribeType('Task!')).toThrow(RangeError);
  });
});
