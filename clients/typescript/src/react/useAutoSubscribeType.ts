import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import { defaultQueryKeys } from './queryInvalidation.js';
import { useSyncClient } from './SyncProvider.js';

export interface AutoSubscribeTypeOptions {
  /** The list queries to invalidate; by default the design's `['entity-instance-list', code]`. */
  listKey?: QueryKey;
  /** The React Query client; by default the one of the surrounding QueryClientProvider. */
  queryClient?: QueryClient;
}

/**
 * Watches every entity of the code while the component is mounted (SUBSCRIBE_TYPE, which the
 * server allows per entity code), so a list sees entities others create. A change of any entity
 * of the code invalidates its list queries through the provider, as every change does; after a
 * reconnect this hook invalidates them too, since entities may have been created meanwhile.
 */
export function useAutoSubscribeType(entityCode: string | null | undefined, options: AutoSubscribeTypeOptions = {}): void {
  const client = useSyncClient();
  const queryClient = useQueryClient(options.queryClient);
  const listKey = options.listKey ?? (entityCode ? defaultQueryKeys.list(entityCode) : undefined);
  const listKeyHash = JSON.stringify(listKey ?? null);

  useEffect(() => {
    if (!entityCode) return;
    const release = client.subscribeType(entityCode);
    const stopListening = client.on('resync', (event) => {
      if (event.entityCodes.includes(entityCode) && listKey) {
        void queryClient.invalidateQueries({ queryKey: listKey });
      }
    });
    return () => {
      stopListening();
      release();
    };
    // listKeyHash stands for listKey: a new array with the same key changes nothing.
  }, [client, queryClient, entityCode, listKeyHash]);
}
