import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SyncProvider } from '@rtsync/client/react';
import { Api, loadConfig } from './api';
import { App } from './App';
import { openDatabase } from './db';
import { DemoSync } from './sync';
import './style.css';

// Everything long-lived is made once, outside render: the database, the API client and the
// rtsync client. React only shows them.
async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const config = await loadConfig();
    // ?as=bob picks the user; this tab remembers it across reloads (sessionStorage is per tab), so
    // two windows of one browser can be two people.
    const asked = new URLSearchParams(window.location.search).get('as');
    if (asked) sessionStorage.setItem('rtsync-demo-user', asked);
    const key = sessionStorage.getItem('rtsync-demo-user') ?? config.users[0].key;
    const user = config.users.find((candidate) => candidate.key === key) ?? config.users[0];
    document.title = `rtsync demo: ${user.name}`;

    const api = new Api(user);
    const db = await openDatabase(user.key);
    const sync = new DemoSync(config.rtsyncUrl, api, db);
    // SyncProvider wants a React Query client; this page keeps its data in RxDB instead.
    const queryClient = new QueryClient();
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <SyncProvider client={sync.client}>
            <App config={config} user={user} api={api} db={db} sync={sync} />
          </SyncProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  } catch (error) {
    root.render(<p className="error">The demo could not start: {(error as Error).message}</p>);
  }
}

void start();
