/**
 * A small in-memory cache with a time to live, kept per execution environment. It also caches
 * *absence* (negative caching), so an unknown key is not looked up again for every record until
 * the TTL runs out. Bounded: past `maxEntries`, the oldest entries are evicted.
 */

/** Options of a {@link TtlCache}. */
export interface TtlCacheOptions {
  /** How long a found value stays fresh. */
  readonly ttlMs: number;
  /** How long a known-absent key stays fresh (default: `ttlMs`). */
  readonly negativeTtlMs?: number;
  /** Most entries kept (default 100,000). */
  readonly maxEntries?: number;
  /** Clock, injectable for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** A cache lookup: a miss, or a hit holding the value or `undefined` for a known absence. */
export type CacheLookup<V> = { readonly hit: false } | { readonly hit: true; readonly value: V | undefined };

const MISS = { hit: false } as const;

/**
 * @example
 * const cache = new TtlCache<Item>({ ttlMs: 300_000 });
 * cache.set('item-1', item);
 * cache.set('unknown-item', undefined); // remembered as absent
 * cache.get('item-1'); // { hit: true, value: item }
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V | undefined; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #negativeTtlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: TtlCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#negativeTtlMs = options.negativeTtlMs ?? options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** The cached value (or known absence) of `key`, if still fresh. */
  get(key: string): CacheLookup<V> {
    const entry = this.#entries.get(key);
    if (!entry) return MISS;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return MISS;
    }
    return { hit: true, value: entry.value };
  }

  /** Caches a value, or `undefined` to remember that the key does not exist. */
  set(key: string, value: V | undefined): void {
    const ttl = value === undefined ? this.#negativeTtlMs : this.#ttlMs;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttl });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Number of entries held (fresh or not yet swept). */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
