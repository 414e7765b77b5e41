// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, StrictMode, useState, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SyncProvider, useAutoSubscribe, useAutoSubscribeSingle, useSync } from '../src/react/index.js';
import { harness, PROJECT_1, PROJECT_2, PROJECT_3, type Harness } from './fakes.js';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let root: Root | undefined;
let container: HTMLElement | undefined;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  root = undefined;
});

function render(node: ReactNode): void {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root!.render(node));
}

async function tick(h: Harness, ms = 0): Promise<void> {
  await act(async () => {
    await h.clock.advance(ms);
  });
}

function Project({ id }: { id: string }) {
  useAutoSubscribeSingle('project', id);
  return null;
}

function Status() {
  const { status } = useSync();
  return <span data-testid="status">{status}</span>;
}

function app(h: Harness, queryClient: QueryClient, children: ReactNode, props: Partial<Parameters<typeof SyncProvider>[0]> = {}) {
  return (
    <QueryClientProvider client={queryClient}>
      <SyncProvider client={h.client} {...(props as object)}>
        {children}
      </SyncProvider>
    </QueryClientProvider>
  );
}

const invalidate = (entityId: string, version: number) => ({
  type: 'INVALIDATE',
  payload: { entityCode: 'project', changes: [{ entityId, action: 'UPDATE', version }], timestamp: '2026-01-01T00:00:00.000Z' },
});

describe('SyncProvider and the hooks', () => {
  it('in StrictMode, opens one socket and sends one SUBSCRIBE, and nothing for the double mount', async () => {
    const h = harness();
    render(<StrictMode>{app(h, new QueryClient(), <Project id={PROJECT_1} />)}</StrictMode>);
    await tick(h);
    await tick(h, 10_000);
    expect(h.server.sockets).toHaveLength(1);
    expect(h.server.last.sentOfType('SUBSCRIBE')).toEqual([
      { type: 'SUBSCRIBE', payload: { entityCode: 'project', entityIds: [PROJECT_1] } },
    ]);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([]);
    expect(h.client.status).toBe('connected');
  });

  it('shares one subscription between components and ends it with the last one', async () => {
    const h = harness();
    let show: (value: number) => void = () => {};
    function Page() {
      const [count, setCount] = useState(2);
      show = setCount;
      return (
        <>
          {count >= 1 && <Project id={PROJECT_1} />}
          {count >= 2 && <Project id={PROJECT_1} />}
        </>
      );
    }
    render(app(h, new QueryClient(), <Page />));
    await tick(h);
    act(() => show(1));
    await tick(h, 5_000);
    expect(h.server.last.sentOfType('SUBSCRIBE')).toHaveLength(1);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([]);
    act(() => show(0));
    await tick(h, 5_000);
    expect(h.server.last.sentOfType('UNSUBSCRIBE')).toEqual([
      { type: 'UNSUBSCRIBE', payload: { entityCode: 'project', entityIds: [PROJECT_1] } },
    ]);
  });

  it('useAutoSubscribe sends only the ids that change, and nothing for a new array of the same ids', async () => {
    const h = harness();
    let setIds: (ids: string[]) => void = () => {};
    function List() {
      const [ids, set] = useState([PROJECT_1, PROJECT_2]);
      setIds = set;
      useAutoSubscribe('project', ids);
      return null;
    }
    render(app(h, new QueryClient(), <List />));
    await tick(h);
    act(() => setIds([PROJECT_2, PROJECT_1]));
    await tick(h, 5_000);
    act(() => setIds([PROJECT_2, PROJECT_3]));
    await tick(h, 5_000);
    expect(h.server.last.sent.filter((frame) => frame.type !== 'PING')).toEqual([
      { type: 'SUBSCRIBE', payload: { entityCode: 'project', entityIds: [PROJECT_1, PROJECT_2] } },
      { type: 'SUBSCRIBE', payload: { entityCode: 'project', entityIds: [PROJECT_3] } },
      { type: 'UNSUBSCRIBE', payload: { entityCode: 'project', entityIds: [PROJECT_1] } },
    ]);
  });

  it('reports the status through the context', async () => {
    const h = harness();
    render(app(h, new QueryClient(), <Status />));
    expect(container!.textContent).toBe('connecting');
    await tick(h);
    expect(container!.textContent).toBe('connected');
    act(() => h.server.last.closeFromServer(1006));
    expect(container!.textContent).toBe('disconnected');
  });

  it('useSync throws outside the provider', () => {
    function Orphan() {
      useSync();
      return null;
    }
    container = document.createElement('div');
    root = createRoot(container);
    expect(() => act(() => root!.render(<Orphan />))).toThrow('useSync must be used within SyncProvider');
  });
});

describe('React Query invalidation', () => {
  function seeded(): QueryClient {
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
    queryClient.setQueryData(['entity-instance', 'project', PROJECT_1], { name: 'Apollo' });
    queryClient.setQueryData(['entity-instance', 'project', PROJECT_2], { name: 'Gemini' });
    queryClient.setQueryData(['entity-instance-list', 'project', { page: 1 }], [PROJECT_1, PROJECT_2]);
    queryClient.setQueryData(['entity-instance-list', 'task', { page: 1 }], []);
    return queryClient;
  }
  const invalidated = (queryClient: QueryClient) =>
    queryClient
      .getQueryCache()
      .getAll()
      .filter((query) => query.state.isInvalidated)
      .map((query) => query.queryKey);

  it("invalidates the changed entity's key and its code's list keys, as the design's section 8.1", async () => {
    const h = harness();
    const queryClient = seeded();
    render(app(h, queryClient, <Project id={PROJECT_1} />));
    await tick(h);
    act(() => h.server.last.deliver(invalidate(PROJECT_1, 7)));
    await tick(h);
    expect(invalidated(queryClient)).toEqual([
      ['entity-instance', 'project', PROJECT_1],
      ['entity-instance-list', 'project', { page: 1 }],
    ]);
  });

  it('invalidates every subscribed entity after a reconnect', async () => {
    const h = harness();
    const queryClient = seeded();
    render(
      app(
        h,
        queryClient,
        <>
          <Project id={PROJECT_1} />
          <Project id={PROJECT_2} />
        </>,
      ),
    );
    await tick(h);
    expect(invalidated(queryClient)).toEqual([]);
    act(() => h.server.last.closeFromServer(1006));
    await tick(h, 1_000);
    expect(invalidated(queryClient)).toEqual([
      ['entity-instance', 'project', PROJECT_1],
      ['entity-instance', 'project', PROJECT_2],
      ['entity-instance-list', 'project', { page: 1 }],
    ]);
  });

  it('takes another query-key mapping, and calls onInvalidate', async () => {
    const h = harness();
    const queryClient = new QueryClient();
    queryClient.setQueryData(['projects', PROJECT_1], {});
    queryClient.setQueryData(['entity-instance', 'project', PROJECT_1], {});
    const events: unknown[] = [];
    render(
      app(h, queryClient, <Project id={PROJECT_1} />, {
        queryKeys: { entity: (code, id) => [`${code}s`, id], list: (code) => [`${code}s`, 'list'] },
        onInvalidate: (event) => events.push(event),
      }),
    );
    await tick(h);
    act(() => h.server.last.deliver(invalidate(PROJECT_1, 7)));
    await tick(h);
    expect(invalidated(queryClient)).toEqual([['projects', PROJECT_1]]);
    expect(events).toEqual([
      { reason: 'change', entities: [{ entityCode: 'project', entityId: PROJECT_1, action: 'UPDATE', version: 7 }] },
    ]);
  });
});
