/**
 * A small app as a team would write it with the package: React Query fetches projects from the
 * REST API, the components subscribe to what they show, and the provider keeps it fresh. The
 * Chromium tests drive it through `window.rtsyncTest` and read what happened from `window.rtsyncLog`.
 */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { RtsyncClient, type BackoffOptions } from '@rtsync/client';
import { SyncProvider, useAutoSubscribeSingle, useSync } from '@rtsync/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

export interface MountOptions {
  url: string;
  user: string;
  projectIds: string[];
  backoff?: Partial<BackoffOptions>;
}

export type LogEntry = { type: string; at: number; [key: string]: unknown };

declare global {
  interface Window {
    rtsyncTest: { mount(options: MountOptions): void; requestStatus(): Promise<unknown> };
    rtsyncLog: LogEntry[];
  }
}

const log: LogEntry[] = [];
window.rtsyncLog = log;
const record = (type: string, details: Record<string, unknown> = {}) => log.push({ type, at: Date.now(), ...details });

function ProjectView({ id }: { id: string }) {
  const query = useQuery({
    queryKey: ['entity-instance', 'project', id],
    queryFn: async () => {
      const response = await fetch(`/api/project/${id}`);
      return (await response.json()) as { name: string };
    },
  });
  useAutoSubscribeSingle('project', id);
  return <li data-project={id}>{query.data?.name ?? '…'}</li>;
}

function StatusView() {
  const { status } = useSync();
  return <p id="status">{status}</p>;
}

let client: RtsyncClient | undefined;

window.rtsyncTest = {
  mount(options) {
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'invalidate') {
        record('query-invalidated', { key: event.query.queryKey });
      }
    });
    client = new RtsyncClient({
      url: options.url,
      getToken: async () => {
        const response = await fetch(`/token?user=${encodeURIComponent(options.user)}`);
        if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
        return response.text();
      },
      backoff: options.backoff,
    });
    client.on('status', (event) => record('status', { status: event.status }));
    client.on('connected', (event) => record('connected', { reconnect: event.reconnect }));
    client.on('disconnected', (event) => record('disconnected', { ...event }));
    client.on('resync', (event) => record('resync', { entities: event.entities }));
    client.on('invalidate', (event) => record('invalidate', { reason: event.reason, entities: event.entities }));
    client.on('tokenRefreshed', () => record('tokenRefreshed'));
    client.on('error', (event) => record('error', { ...event }));
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <SyncProvider client={client}>
            <StatusView />
            <ul>
              {options.projectIds.map((id) => (
                <ProjectView key={id} id={id} />
              ))}
            </ul>
          </SyncProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  },
  requestStatus() {
    return client!.requestStatus();
  },
};
