import { hashKey, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { InvalidatedEntity, InvalidateEvent, RtsyncClient } from '../client.js';

/** Which React Query keys hold an entity and the lists of its code. */
export interface QueryKeyMapping {
  /** The key (or key prefix) of the query holding one entity. */
  entity(entityCode: string, entityId: string): QueryKey;
  /** The key (or key prefix) of the queries listing entities of one code. */
  list(entityCode: string): QueryKey;
}

/** The design's keys (section 8.1): `['entity-instance', code, id]` and `['entity-instance-list', code]`. */
export const defaultQueryKeys: QueryKeyMapping = {
  entity: (entityCode, entityId) => ['entity-instance', entityCode, entityId],
  list: (entityCode) => ['entity-instance-list', entityCode],
};

/**
 * Invalidates, as prefixes, each entity's query key and the list key of each entity code, in one
 * pass over the query cache however many entities there are (a resync names every subscribed one).
 * Active queries refetch; inactive ones refetch when next used.
 */
export function invalidateEntities(
  queryClient: QueryClient,
  entities: readonly InvalidatedEntity[],
  mapping: QueryKeyMapping = defaultQueryKeys,
): Promise<void> {
  if (entities.length === 0) return Promise.resolve();
  const prefixes = new Set<string>();
  const lengths = new Set<number>();
  const add = (key: QueryKey) => {
    prefixes.add(hashKey(key));
    lengths.add(key.length);
  };
  const codes = new Set<string>();
  for (const entity of entities) {
    add(mapping.entity(entity.entityCode, entity.entityId));
    codes.add(entity.entityCode);
  }
  for (const code of codes) add(mapping.list(code));
  return queryClient.invalidateQueries({
    predicate: (query) => {
      for (const length of lengths) {
        if (query.queryKey.length >= length && prefixes.has(hashKey(query.queryKey.slice(0, length)))) return true;
      }
      return false;
    },
  });
}

/**
 * Invalidates the queries of every entity the client reports invalidated, changes and resyncs
 * alike; returns the function that stops. `mapping` may be a function, read at each event.
 */
export function connectQueryClient(
  client: RtsyncClient,
  queryClient: QueryClient,
  mapping: QueryKeyMapping | (() => QueryKeyMapping) = defaultQueryKeys,
): () => void {
  return client.on('invalidate', (event: InvalidateEvent) => {
    const keys = typeof mapping === 'function' ? mapping() : mapping;
    invalidateEntities(queryClient, event.entities, keys).catch(() => {
      // A failed refetch is React Query's to report, through the query's own error state.
    });
  });
}
