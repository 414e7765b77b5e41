import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../src/backoff.js';
import { VersionMemory } from '../src/versions.js';
import { tokenExpiry } from '../src/token.js';
import { jwt } from './fakes.js';

describe('backoff', () => {
  it('stays between 0 and min(30 s, 500 ms * 2^attempt), full jitter', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      expect(backoffDelay(attempt, DEFAULT_BACKOFF, () => 0)).toBe(0);
      const highest = backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.999_999);
      expect(highest).toBeLessThan(ceiling);
      expect(highest).toBeGreaterThanOrEqual(ceiling - 1);
    }
  });

  it('reaches the 30 s ceiling and no further', () => {
    expect(backoffDelay(5, DEFAULT_BACKOFF, () => 0.5)).toBe(8_000);
    expect(backoffDelay(6, DEFAULT_BACKOFF, () => 0.5)).toBe(15_000);
    expect(backoffDelay(7, DEFAULT_BACKOFF, () => 0.5)).toBe(15_000);
    expect(backoffDelay(1_000, DEFAULT_BACKOFF, () => 0.5)).toBe(15_000);
  });
});

describe('version memory', () => {
  it('accepts a newer version and skips one already seen or older', () => {
    const memory = new VersionMemory(10);
    expect(memory.accept('project', 'a', 5)).toBe(true);
    expect(memory.accept('project', 'a', 5)).toBe(false);
    expect(memory.accept('project', 'a', 4)).toBe(false);
    expect(memory.accept('project', 'a', 6)).toBe(true);
    expect(memory.accept('task', 'a', 1)).toBe(true);
  });

  it('treats ids in either case as one entity', () => {
    const memory = new VersionMemory(10);
    expect(memory.accept('project', 'ABC', 5)).toBe(true);
    expect(memory.accept('project', 'abc', 5)).toBe(false);
  });

  it('is bounded, forgetting the least recently used entity first', () => {
    const memory = new VersionMemory(2);
    memory.accept('project', 'a', 1);
    memory.accept('project', 'b', 1);
    memory.accept('project', 'a', 1); // a is used again: b is now the oldest
    memory.accept('project', 'c', 1);
    expect(memory.size).toBe(2);
    expect(memory.accept('project', 'a', 1)).toBe(false); // remembered
    expect(memory.accept('project', 'b', 1)).toBe(true); // forgotten, so delivered again
  });
});

describe('token expiry', () => {
  it('reads exp from a JWT, in ms', () => {
    expect(tokenExpiry(jwt({ sub: 'x', exp: 1_700_000_123 }))).toBe(1_700_000_123_000);
  });

  it('is undefined for a token it cannot read', () => {
    expect(tokenExpiry('opaque')).toBeUndefined();
    expect(tokenExpiry('a.b.c')).toBeUndefined();
    expect(tokenExpiry(jwt({ sub: 'x' }))).toBeUndefined();
  });
});
