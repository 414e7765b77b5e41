import { isValidEntityCode, isValidEntityId } from './protocol.js';

/** One entity: its code (`project`) and its id (a UUID, kept in lower case). */
export interface EntityRef {
  entityCode: string;
  entityId: string;
}

/** What has to be sent to make the server hold exactly what the registry wants. */
export interface RegistryDiff {
  /** Per entity code, the ids to SUBSCRIBE, in batches of at most the server's limit. */
  subscribe: Array<{ entityCode: string; entityIds: string[] }>;
  /** Per entity code, the ids to UNSUBSCRIBE, or `undefined` for every id of the code. */
  unsubscribe: Array<{ entityCode: string; entityIds?: string[] }>;
}

/**
 * The subscriptions the application wants, counted per (entityCode, id), and the ones the server
 * holds on the current connection. Two components showing one task hold two references and make
 * one subscription; the subscription ends only when the last reference is released and then
 * expired (the client expires released ids after a short delay, so a quick release and acquire,
 * such as React StrictMode's mount, unmount and mount, sends nothing). Pure bookkeeping: the
 * client decides when to send the {@link diff}.
 */
export class SubscriptionRegistry {
  /** Wanted ids and their reference counts; a count of 0 waits for {@link expire}. */
  private readonly wanted = new Map<string, Map<string, number>>();
  /** Ids the server holds (or is being asked to hold) on this connection. */
  private readonly held = new Map<string, Set<string>>();
  /** Ids the server refused for good: not asked for again until released and acquired anew. */
  private readonly refused = new Map<string, Set<string>>();
  /** Codes dropped as a whole since the last diff: one UNSUBSCRIBE without ids each. */
  private readonly droppedCodes = new Set<string>();

  constructor(private readonly maxIdsPerSubscribe: number) {
    if (!(maxIdsPerSubscribe >= 1)) throw new RangeError('maxIdsPerSubscribe must be at least 1');
  }

  /** Adds one reference to each id. Throws on a code or id the server would refuse. */
  acquire(entityCode: string, entityIds: readonly string[]): void {
    const ids = normalise(entityCode, entityIds);
    let counts = this.wanted.get(entityCode);
    if (!counts) {
      counts = new Map();
      this.wanted.set(entityCode, counts);
    }
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }

  /** Removes one reference from each id; returns the ids left without any, to {@link expire} later. */
  release(entityCode: string, entityIds: readonly string[]): string[] {
    const counts = this.wanted.get(entityCode);
    if (!counts) return [];
    const unreferenced: string[] = [];
    for (const id of unique(entityIds.map((id) => id.toLowerCase()))) {
      const count = counts.get(id);
      if (count === undefined || count === 0) continue;
      counts.set(id, count - 1);
      if (count === 1) unreferenced.push(id);
    }
    return unreferenced;
  }

  /** Forgets the ids that are still without a reference; returns whether any was forgotten. */
  expire(entityCode: string, entityIds: readonly string[]): boolean {
    const counts = this.wanted.get(entityCode);
    if (!counts) return false;
    let changed = false;
    for (const id of entityIds) {
      if (counts.get(id) === 0) {
        counts.delete(id);
        this.refused.get(entityCode)?.delete(id);
        changed = true;
      }
    }
    if (counts.size === 0) this.wanted.delete(entityCode);
    return changed;
  }

  /** Forgets every reference to every id of one entity code; the diff unsubscribes the code as a whole. */
  dropCode(entityCode: string): void {
    this.wanted.delete(entityCode);
    this.refused.delete(entityCode);
    if (this.held.has(entityCode)) this.droppedCodes.add(entityCode);
  }

  /** Forgets everything, and what the server holds (the caller sends UNSUBSCRIBE_ALL). */
  dropAll(): void {
    this.droppedCodes.clear();
    this.wanted.clear();
    this.refused.clear();
    this.held.clear();
  }

  /** The connection ended: the server holds nothing for the next one. */
  connectionLost(): void {
    this.droppedCodes.clear();
    this.held.clear();
  }

  /** The messages that bring the server to what is wanted, and marks them as sent. */
  diff(): RegistryDiff {
    const result: RegistryDiff = { subscribe: [], unsubscribe: [] };
    for (const [entityCode, held] of this.held) {
      if (this.droppedCodes.has(entityCode)) {
        result.unsubscribe.push({ entityCode });
        this.held.delete(entityCode);
        continue;
      }
      const counts = this.wanted.get(entityCode);
      const gone = [...held].filter((id) => !counts?.has(id));
      if (held.size === gone.length) this.held.delete(entityCode);
      if (gone.length > 0) {
        result.unsubscribe.push({ entityCode, entityIds: gone });
        for (const id of gone) held.delete(id);
      }
    }
    this.droppedCodes.clear();
    for (const [entityCode, counts] of this.wanted) {
      let held = this.held.get(entityCode);
      const refused = this.refused.get(entityCode);
      const missing = [...counts.keys()].filter((id) => !held?.has(id) && !refused?.has(id));
      if (missing.length === 0) continue;
      if (!held) {
        held = new Set();
        this.held.set(entityCode, held);
      }
      for (let start = 0; start < missing.length; start += this.maxIdsPerSubscribe) {
        const batch = missing.slice(start, start + this.maxIdsPerSubscribe);
        result.subscribe.push({ entityCode, entityIds: batch });
        for (const id of batch) held.add(id);
      }
    }
    return result;
  }

  /**
   * The server refused a SUBSCRIBE: it holds none of its ids. A final refusal keeps them from
   * being asked for again; after a retryable one the next {@link diff} asks again.
   */
  subscribeFailed(entityCode: string, entityIds: readonly string[], final: boolean): void {
    const held = this.held.get(entityCode);
    for (const id of entityIds) held?.delete(id);
    if (final && this.wanted.has(entityCode)) {
      let refused = this.refused.get(entityCode);
      if (!refused) {
        refused = new Set();
        this.refused.set(entityCode, refused);
      }
      for (const id of entityIds) refused.add(id);
    }
  }

  /** Every entity wanted now (referenced or waiting to expire), refused ones excepted. */
  entities(): EntityRef[] {
    const result: EntityRef[] = [];
    for (const [entityCode, counts] of this.wanted) {
      const refused = this.refused.get(entityCode);
      for (const entityId of counts.keys()) {
        if (!refused?.has(entityId)) result.push({ entityCode, entityId });
      }
    }
    return result;
  }

  /** The reference count of one entity (0 when not wanted): for tests and debugging. */
  references(entityCode: string, entityId: string): number {
    return this.wanted.get(entityCode)?.get(entityId.toLowerCase()) ?? 0;
  }
}

function normalise(entityCode: string, entityIds: readonly string[]): string[] {
  if (!isValidEntityCode(entityCode)) {
    throw new RangeError(
      `Invalid entity code ${JSON.stringify(entityCode)}: 1 to 100 characters of a-z, 0-9 and _, starting with a letter`,
    );
  }
  if (!Array.isArray(entityIds)) throw new TypeError('entityIds must be an array of UUID strings');
  entityIds.forEach((id, index) => {
    if (!isValidEntityId(id)) {
      throw new RangeError(`Invalid entity id at index ${index}: ${JSON.stringify(id)} is not a UUID`);
    }
  });
  return unique(entityIds.map((id) => id.toLowerCase()));
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
