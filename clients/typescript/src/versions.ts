/**
 * The newest version seen per entity, so that a change delivered twice (delivery is at least
 * once) or out of date is skipped. Bounded: the least recently used entries are forgotten first,
 * and a forgotten entity's next change is simply delivered again.
 */
export class VersionMemory {
  private readonly newest = new Map<string, number>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('version memory capacity must be at least 1');
  }

  /** Records `version` for the entity and says whether it is newer than any seen before. */
  accept(entityCode: string, entityId: string, version: number): boolean {
    const key = `${entityCode}\u0000${entityId.toLowerCase()}`;
    const seen = this.newest.get(key);
    if (seen !== undefined && version <= seen) {
      this.touch(key, seen);
      return false;
    }
    this.touch(key, version);
    return true;
  }

  get size(): number {
    return this.newest.size;
  }

  private touch(key: string, version: number): void {
    // A Map iterates in insertion order: deleting and setting again makes the key the newest.
    this.newest.delete(key);
    this.newest.set(key, version);
    if (this.newest.size > this.capacity) {
      const oldest = this.newest.keys().next().value as string;
      this.newest.delete(oldest);
    }
  }
}
