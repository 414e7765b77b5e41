/**
 * Keeps RxDB collections (or any store with the same few methods) fresh from rtsync: the design's
 * flow 5.4 with RxDB as the store. An invalidated entity is fetched again through the REST API and
 * upserted, or removed when the change is a DELETE or the API no longer has it; after a reconnect
 * every subscribed entity is fetched again, and each type subscription's list is fetched whole
 * (entities may have been created or deleted meanwhile). The UI follows RxDB's reactive queries.
 *
 * It needs no RxDB import: any collection with `upsert`, `findOne(id).exec()` and `find().exec()`
 * fits, so the client keeps no runtime dependency.
 */
import type { InvalidatedEntity, RtsyncClient } from './client.js';

/** The part of an RxDB document this helper uses. */
export interface RxDocumentLike<T> {
  toJSON(): T;
  remove(): Promise<unknown>;
}

/** The part of an RxDB collection this helper uses. */
export interface RxCollectionLike<T> {
  upsert(document: T): Promise<unknown>;
  findOne(id: string): { exec(): Promise<RxDocumentLike<T> | null> };
  find(): { exec(): Promise<Array<RxDocumentLike<T>>> };
}

/** How one entity code is stored and fetched. */
export interface RxEntitySource<T> {
  collection: RxCollectionLike<T>;
  /** Fetches one entity through the REST API; `null` when the API says it does not exist (404). */
  fetchOne(entityId: string): Promise<T | null>;
  /**
   * Fetches every entity of the code the page keeps, for a type subscription after a reconnect;
   * local documents missing from the answer are removed. Without it only subscribed ids are fetched.
   */
  fetchAll?(): Promise<T[]>;
  /** The document's id; by default its `id` field. */
  idOf?(document: T): string;
  /**
   * Whether `incoming` is older than `stored`, so a slow answer never overwrites a newer one
   * (compare an `updatedTs` or a version). By default every answer is taken.
   */
  isOlder?(incoming: T, stored: T): boolean;
}

/** One source per entity code; each has its own document type, which the helper never mixes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RxEntitySources = Record<string, RxEntitySource<any>>;

export interface SyncRxOptions {
  /** Called when a fetch fails (the entity stays as it is; the next change or resync tries again). */
  onError?: (error: unknown, entity: InvalidatedEntity | { entityCode: string }) => void;
}

/** Applies one entity's fresh state (or its absence) to its collection. */
export async function refreshEntity<T>(source: RxEntitySource<T>, entityId: string, deleted = false): Promise<T | null> {
  const fresh = deleted ? null : await source.fetchOne(entityId);
  const stored = await source.collection.findOne(entityId).exec();
  if (fresh === null) {
    await stored?.remove();
    return null;
  }
  if (stored && source.isOlder?.(fresh, stored.toJSON())) return stored.toJSON();
  await source.collection.upsert(fresh);
  return fresh;
}

/**
 * Replaces a collection's content with a whole list from the API: upserts it, and removes what was
 * stored before the fetch and is missing from the answer.
 */
export async function refreshAll<T>(source: RxEntitySource<T> & { fetchAll(): Promise<T[]> }): Promise<T[]> {
  const idOf = source.idOf ?? ((document: T) => (document as { id: string }).id);
  // Only what was stored before the fetch may be missing from it: an entity that arrived meanwhile
  // (a change's upsert) is newer than the list and stays.
  const before = new Set((await source.collection.find().exec()).map((stored) => idOf(stored.toJSON())));
  const fresh = await source.fetchAll();
  const keep = new Set(fresh.map(idOf));
  for (const stored of await source.collection.find().exec()) {
    const id = idOf(stored.toJSON());
    if (before.has(id) && !keep.has(id)) await stored.remove();
  }
  for (const document of fresh) {
    const stored = await source.collection.findOne(idOf(document)).exec();
    if (!(stored && source.isOlder?.(document, stored.toJSON()))) await source.collection.upsert(document);
  }
  return fresh;
}

/**
 * Connects the client's `invalidate` and `resync` events to the collections of the given entity
 * codes; codes without a source are left alone. Returns the function that stops.
 */
export function syncRxCollections(
  client: RtsyncClient,
  sources: RxEntitySources,
  options: SyncRxOptions = {},
): () => void {
  const onError = options.onError ?? ((error) => console.warn('rtsync: refreshing failed', error));
  const typed: Record<string, RxEntitySource<unknown>> = sources;
  const stopInvalidate = client.on('invalidate', (event) => {
    for (const entity of event.entities) {
      const source = typed[entity.entityCode];
      if (!source) continue;
      refreshEntity(source, entity.entityId, entity.action === 'DELETE').catch((error) => onError(error, entity));
    }
  });
  const stopResync = client.on('resync', (event) => {
    for (const entityCode of event.entityCodes) {
      const source = typed[entityCode];
      if (!source?.fetchAll) continue;
      refreshAll(source as RxEntitySource<unknown> & { fetchAll(): Promise<unknown[]> }).catch((error) =>
        onError(error, { entityCode }),
      );
    }
  });
  return () => {
    stopInvalidate();
    stopResync();
  };
}
