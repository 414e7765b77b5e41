// @vitest-environment jsdom
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { act, StrictMode, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SyncProvider, useAutoSubscribeType } from '../src/react/index.js';
import { harness, PROJECT_1, type Harness } from './fakes.js';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
});

function render(node: ReactNode): void {
  root = createRoot(document.createElement('div'));
  act(() => root!.render(node));
}

async function tick(h: Harness, ms = 0): Promise<void> {
  await act(async () => {
    await h.clock.advance(ms);
  });
}

/** A task list: fetches the list, and watches every task so it sees new ones. */
function TaskList({ fetches }: { fetches: { count: number } }) {
  useAutoSubscribeType('task');
  useQuery({
    queryKey: ['entity-instance-list', 'task'],
    queryFn: async () => {
      fetches.count++;
      return [];
    },
  });
  return null;
}

describe('useAutoSubscribeType', () => {
  it('subscribes the type once in StrictMode, refetches the list on a change and after a reconnect, and unsubscribes on unmount', async () => {
    const h = harness({ unsubscribeDelayMs: 1_000 });
    const queryClient = new QueryClient();
    const fetches = { count: 0 };
    render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <SyncProvider client={h.client}>
            <TaskList fetches={fetches} />
          </SyncProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
    await tick(h);
    await tick(h);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.server.last.sentOfType('SUBSCRIBE_TYPE').map((frame) => frame.payload)).toEqual([{ entityCode: 'task' }]);
    const afterMount = fetches.count;

    // A task created by someone else: an ordinary INVALIDATE of an id nobody subscribed to.
    h.server.last.deliver({
      type: 'INVALIDATE',
      payload: { entityCode: 'task', changes: [{ entityId: PROJECT_1, action: 'CREATE', version: 1 }], timestamp: 'x' },
    });
    await tick(h);
    await tick(h);
    expect(fetches.count).toBe(afterMount + 1);

    h.server.last.closeFromServer(1006);
    await tick(h, 1_000);
    await tick(h);
    expect(h.server.last.sentOfType('SUBSCRIBE_TYPE')).toHaveLength(1);
    expect(fetches.count).toBe(afterMount + 2);

    act(() => root!.unmount());
    root = undefined;
    await tick(h, 1_000);
    expect(h.client.typeSubscriptions()).toEqual([]);
  });
});
