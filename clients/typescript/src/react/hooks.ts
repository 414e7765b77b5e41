import { useEffect } from 'react';
import { useSyncClient } from './SyncProvider.js';

const NONE: readonly string[] = [];

/**
 * Subscribes to the entities a component shows, for as long as it shows them. A new array with
 * the same ids changes nothing; ids that come and go are added and released one by one, and the
 * client's reference counting makes components that share ids share subscriptions.
 */
export function useAutoSubscribe(entityCode: string, entityIds: readonly string[] | null | undefined): void {
  const client = useSyncClient();
  // The ids as one string: the effect runs when the set changes, not when the array is new.
  const idsKey = [...new Set(entityIds ?? NONE)].sort().join(',');
  useEffect(() => {
    if (!entityCode || idsKey === '') return;
    return client.subscribe(entityCode, idsKey.split(','));
  }, [client, entityCode, idsKey]);
}

/** Subscribes to one entity while the component shows it; no id, no subscription. */
export function useAutoSubscribeSingle(entityCode: string, entityId: string | null | undefined): void {
  useAutoSubscribe(entityCode, entityId ? [entityId] : NONE);
}
