import { isValidEntityCode } from './protocol.js';

/**
 * Subscriptions to a whole entity type (SUBSCRIBE_TYPE, an rtsync addition): reference counts per
 * entity code, and which codes the server holds on this connection. The counterpart of
 * {@link SubscriptionRegistry} for lists that must see entities created after they were fetched.
 */
export class TypeSubscriptionRegistry {
  /** Wanted codes and their reference counts; a count of 0 waits for {@link expire}. */
  private readonly wanted = new Map<string, number>();
  /** Codes the server holds (or is being asked to hold) on this connection. */
  private readonly sent = new Set<string>();
  /** Codes the server refused for good (TYPE_SUBSCRIPTION_NOT_ALLOWED): not asked again until re-acquired. */
  private readonly refused = new Set<string>();

  /** Adds one reference. Throws on a code the server would refuse as malformed. */
  acquire(entityCode: string): void {
    if (!isValidEntityCode(entityCode)) {
      throw new RangeError(`Invalid entity code ${JSON.stringify(entityCode)}: 1 to 100 of a-z, 0-9 and _, starting with a letter`);
    }
    const count = this.wanted.get(entityCode) ?? 0;
    if (count === 0) this.refused.delete(entityCode);
    this.wanted.set(entityCode, count + 1);
  }

  /** Removes one reference; returns whether none is left, so the caller can {@link expire} it later. */
  release(entityCode: string): boolean {
    const count = this.wanted.get(entityCode);
    if (count === undefined || count === 0) return false;
    this.wanted.set(entityCode, count - 1);
    return count === 1;
  }

  /** Forgets the code if it is still without a reference; returns whether it did. */
  expire(entityCode: string): boolean {
    if (this.wanted.get(entityCode) !== 0) return false;
    this.wanted.delete(entityCode);
    this.refused.delete(entityCode);
    return true;
  }

  /** Forgets everything (the caller sends UNSUBSCRIBE_ALL, which ends type subscriptions too). */
  dropAll(): void {
    this.wanted.clear();
    this.sent.clear();
    this.refused.clear();
  }

  /** The connection ended: the server holds nothing for the next one. */
  connectionLost(): void {
    this.sent.clear();
  }

  /** The codes to SUBSCRIBE_TYPE and to UNSUBSCRIBE_TYPE now, marked as sent. */
  diff(): { subscribe: string[]; unsubscribe: string[] } {
    const subscribe = [...this.wanted.keys()].filter((code) => !this.sent.has(code) && !this.refused.has(code));
    const unsubscribe = [...this.sent].filter((code) => !this.wanted.has(code));
    subscribe.forEach((code) => this.sent.add(code));
    unsubscribe.forEach((code) => this.sent.delete(code));
    return { subscribe, unsubscribe };
  }

  /** The server refused a SUBSCRIBE_TYPE: for good (`final`), or to be asked again later. */
  subscribeFailed(entityCode: string, final: boolean): void {
    this.sent.delete(entityCode);
    if (final) this.refused.add(entityCode);
  }

  /** Every code wanted now and not refused. */
  codes(): string[] {
    return [...this.wanted.keys()].filter((code) => !this.refused.has(code));
  }

  /** The reference count of a code (0 when not wanted): for tests and debugging. */
  references(entityCode: string): number {
    return this.wanted.get(entityCode) ?? 0;
  }
}
