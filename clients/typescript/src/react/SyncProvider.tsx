import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { RtsyncClient, type ConnectionStatus, type InvalidateEvent, type RtsyncClientOptions } from '../client.js';
import { connectQueryClient, defaultQueryKeys, type QueryKeyMapping } from './queryInvalidation.js';

/** The design's context value (section 4.3), and the client behind it. */
export interface SyncContextValue {
  status: ConnectionStatus;
  /** Adds a reference to each entity; returns the function that releases them. */
  subscribe: (entityCode: string, entityIds: string[]) => () => void;
  /** Releases one reference to each id; without ids, ends every subscription of the code. */
  unsubscribe: (entityCode: string, entityIds?: string[]) => void;
  unsubscribeAll: () => void;
  client: RtsyncClient;
}

const SyncContext = createContext<SyncContextValue | null>(null);
/** The client alone: hooks that only subscribe do not re-render when the status changes. */
const ClientContext = createContext<RtsyncClient | null>(null);

export type SyncProviderProps = {
  children?: ReactNode;
  /** The React Query client to invalidate; by default the one of the surrounding QueryClientProvider. */
  queryClient?: QueryClient;
  /** Which query keys an invalidated entity maps to; by default the design's. */
  queryKeys?: Partial<QueryKeyMapping>;
  /** Called with every invalidation, after the queries were invalidated. */
  onInvalidate?: (event: InvalidateEvent) => void;
} & (
  | {
      /** A client created outside render, for example at module level. */
      client: RtsyncClient;
      options?: never;
    }
  | {
      /** Options for a client the provider creates once, on its first render; later changes are ignored. */
      options: RtsyncClientOptions;
      client?: never;
    }
);

/**
 * Owns one client's lifecycle for the components below it: connects on mount, disconnects on
 * unmount (after a short delay, so React StrictMode's remount keeps the socket), and invalidates
 * React Query's queries for every change and every resync.
 */
export function SyncProvider(props: SyncProviderProps) {
  const [ownClient] = useState(() => (props.client ? undefined : new RtsyncClient(props.options!)));
  const client = props.client ?? ownClient!;
  const queryClient = useQueryClient(props.queryClient);

  const queryKeys = useRef<QueryKeyMapping>(defaultQueryKeys);
  queryKeys.current = { ...defaultQueryKeys, ...props.queryKeys };
  const onInvalidate = useRef(props.onInvalidate);
  onInvalidate.current = props.onInvalidate;

  useEffect(() => client.retain(), [client]);
  useEffect(() => {
    const stopInvalidating = connectQueryClient(client, queryClient, () => queryKeys.current);
    const stopForwarding = client.on('invalidate', (event) => onInvalidate.current?.(event));
    return () => {
      stopInvalidating();
      stopForwarding();
    };
  }, [client, queryClient]);

  const watchStatus = useCallback((changed: () => void) => client.on('status', changed), [client]);
  const status = useSyncExternalStore(watchStatus, client.getStatus, client.getStatus);

  const value = useMemo<SyncContextValue>(
    () => ({
      status,
      subscribe: (entityCode, entityIds) => client.subscribe(entityCode, entityIds),
      unsubscribe: (entityCode, entityIds) => client.unsubscribe(entityCode, entityIds),
      unsubscribeAll: () => client.unsubscribeAll(),
      client,
    }),
    [client, status],
  );
  return (
    <ClientContext.Provider value={client}>
      <SyncContext.Provider value={value}>{props.children}</SyncContext.Provider>
    </ClientContext.Provider>
  );
}

/** The sync context; throws outside a {@link SyncProvider}, as the design requires. */
export function useSync(): SyncContextValue {
  const context = useContext(SyncContext);
  if (!context) throw new Error('useSync must be used within SyncProvider');
  return context;
}

/** The provider's client; throws outside a {@link SyncProvider}. */
export function useSyncClient(): RtsyncClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useSyncClient must be used within SyncProvider');
  return client;
}
