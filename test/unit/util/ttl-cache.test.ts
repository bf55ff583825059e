import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../shared/util/ttl-cache.ts';

describe('TtlCache', () => {
  it('serves a value until its TTL runs out', () => {
    let now = 1_000;
    const cache = new TtlCache<string>({ ttlMs: 100, now: () => now });
    cache.set('k', 'v');
    now += 99;
    expect(cache.get('k')).toEqual({ hit: true, value: 'v' });
    now += 1;
    expect(cache.get('k')).toEqual({ hit: false });
    expect(cache.size).toBe(0);
  });

  it('caches absence with its own TTL', () => {
    let now = 0;
    const cache = new TtlCache<string>({ ttlMs: 1_000, negativeTtlMs: 10, now: () => now });
    cache.set('unknown', undefined);
    expect(cache.get('unknown')).toEqual({ hit: true, value: undefined });
    now = 10;
    expect(cache.get('unknown')).toEqual({ hit: false });
  });

  it('evicts the oldest entries past maxEntries', () => {
    const cache = new TtlCache<number>({ ttlMs: 1_000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // refreshed: now the newest
    cache.set('c', 4);
    expect(cache.get('b')).toEqual({ hit: false });
    expect(cache.get('a')).toEqual({ hit: true, value: 3 });
    expect(cache.get('c')).toEqual({ hit: true, value: 4 });
  });
});
