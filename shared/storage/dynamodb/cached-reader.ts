/**
 * Reads items by key from a set of DynamoDB tables with a per-execution-environment TTL cache per
 * table: one `BatchGetItem` wave per call for the keys not cached, none when every key is cached
 * (found or known absent).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TtlCache } from '../../util/ttl-cache.ts';
import { type BatchGetOptions, batchGetItems, type TableKeys } from './batch-get.ts';

/** An item as stored (plain attributes). */
export type StoredItem = Readonly<Record<string, unknown>>;

/** One table the reader serves: its physical name and its (string) partition key. */
export interface CachedTable {
  readonly table: string;
  readonly keyName: string;
}

/** Found items per table kind, by key; unknown keys are absent. */
export type CachedLookup<K extends string> = Record<K, ReadonlyMap<string, StoredItem>>;

/** Options of a {@link CachedItemReader}. */
export interface CachedItemReaderOptions<K extends string> {
  /** The tables, by the kind callers name them with. */
  readonly tables: Readonly<Record<K, CachedTable>>;
  /** Freshness of cached items (e.g. 300,000 = 5 min). */
  readonly ttlMs: number;
  /** Freshness of a known absence. @default ttlMs */
  readonly negativeTtlMs?: number;
  readonly now?: () => number;
  readonly batchGet?: BatchGetOptions;
  /**
   * Checks (and may reshape) an item read from DynamoDB before it is cached and returned;
   * `undefined` = invalid: treated and cached as absent, counted in `stats.invalid`.
   * @default every item as stored
   */
  readonly parse?: (kind: K, item: StoredItem) => StoredItem | undefined;
}

/** Counters for tests and metrics. */
export interface CachedItemReaderStats {
  hits: number;
  misses: number;
  /** `batchGetItems` waves sent (each is one or more `BatchGetItem` calls). */
  fetches: number;
  /** Items found in DynamoDB but refused by `parse`. */
  invalid: number;
}

/**
 * @example
 * const reader = new CachedItemReader(doc, { tables: { items: { table: 'orion-items', keyName: 'item_id' } }, ttlMs: 300_000 });
 * const { items } = await reader.lookup({ items: ['i1', 'i2'] });
 */
export class CachedItemReader<K extends string> {
  readonly stats: CachedItemReaderStats = { hits: 0, misses: 0, fetches: 0, invalid: 0 };
  readonly #doc: DynamoDBDocumentClient;
  readonly #options: CachedItemReaderOptions<K>;
  readonly #kinds: readonly K[];
  readonly #caches: Record<K, TtlCache<StoredItem>>;

  constructor(doc: DynamoDBDocumentClient, options: CachedItemReaderOptions<K>) {
    this.#doc = doc;
    this.#options = options;
    this.#kinds = Object.keys(options.tables) as K[];
    this.#caches = this.#byKind(
      () =>
        new TtlCache<StoredItem>({
          ttlMs: options.ttlMs,
          ...(options.negativeTtlMs !== undefined ? { negativeTtlMs: options.negativeTtlMs } : {}),
          ...(options.now ? { now: options.now } : {}),
        }),
    );
  }

  /** Looks up every key of every kind; only keys missing from the cache reach DynamoDB. */
  async lookup(keys: Partial<Record<K, readonly string[]>>): Promise<CachedLookup<K>> {
    const result = this.#byKind(() => new Map<string, StoredItem>());
    const requests: TableKeys[] = [];
    const kindOfTable = new Map<string, K>();
    for (const kind of this.#kinds) {
      const missing: string[] = [];
      for (const key of new Set(keys[kind] ?? [])) {
        const cached = this.#caches[kind].get(key);
        if (cached.hit) {
          this.stats.hits++;
          if (cached.value !== undefined) result[kind].set(key, cached.value);
        } else {
          this.stats.misses++;
          missing.push(key);
        }
      }
      if (missing.length > 0) {
        const { table, keyName } = this.#options.tables[kind];
        kindOfTable.set(table, kind);
        requests.push({ table, keyName, keys: missing });
      }
    }
    if (requests.length === 0) return result;
    this.stats.fetches++;
    const found = await batchGetItems(this.#doc, requests, this.#options.batchGet);
    for (const request of requests) {
      const kind = kindOfTable.get(request.table) as K;
      const items = found.get(request.table);
      for (const key of request.keys) {
        const raw = items?.get(key);
        const item = raw === undefined || !this.#options.parse ? raw : this.#options.parse(kind, raw);
        if (raw !== undefined && item === undefined) this.stats.invalid++;
        this.#caches[kind].set(key, item); // undefined = negative entry
        if (item !== undefined) result[kind].set(key, item);
      }
    }
    return result;
  }

  /** Drops every cached entry. */
  clear(): void {
    for (const kind of this.#kinds) this.#caches[kind].clear();
  }

  #byKind<V>(make: () => V): Record<K, V> {
    return Object.fromEntries(this.#kinds.map((kind) => [kind, make()])) as Record<K, V>;
  }
}
