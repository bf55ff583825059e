/**
 * Reads reference items by key from DynamoDB with a per-execution-environment TTL cache: one
 * `BatchGetItem` wave per batch of records for the keys not cached, none when every key is
 * cached (found or known absent).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TtlCache } from '../util/ttl-cache.ts';
import { type BatchGetOptions, batchGetItems, type TableKeys } from './dynamodb-batch-get.ts';
import { REFERENCE_TABLES, type ReferenceKind, referenceTableName } from './reference-tables.ts';

/** A reference item as stored (plain attributes). */
export type ReferenceItem = Readonly<Record<string, unknown>>;

/** Found items per kind, by key; unknown keys are absent. */
export type ReferenceLookup = Record<ReferenceKind, ReadonlyMap<string, ReferenceItem>>;

/** Options of a {@link ReferenceReader}. */
export interface ReferenceReaderOptions {
  /** Physical-name prefix of the tables (e.g. `orion-`). */
  readonly prefix: string;
  /** Freshness of cached items (e.g. 300,000 = 5 min). */
  readonly ttlMs: number;
  /** Freshness of a known absence (default `ttlMs`). */
  readonly negativeTtlMs?: number;
  readonly now?: () => number;
  readonly batchGet?: BatchGetOptions;
  /**
   * Checks (and may reshape) an item read from DynamoDB before it is cached and returned;
   * `undefined` = invalid: treated and cached as absent, counted in `stats.invalid`.
   * @default every item as stored
   */
  readonly parse?: (kind: ReferenceKind, item: ReferenceItem) => ReferenceItem | undefined;
}

/** Counters for tests and metrics. */
export interface ReferenceReaderStats {
  hits: number;
  misses: number;
  /** `batchGetItems` waves sent (each is one or more `BatchGetItem` calls). */
  fetches: number;
  /** Items found in DynamoDB but refused by `parse`. */
  invalid: number;
}

/**
 * @example
 * const reader = new ReferenceReader(doc, { prefix: 'orion-', ttlMs: 300_000 });
 * const { cells, subscribers } = await reader.lookup({ cells: ['c1'], subscribers: [imsi] });
 */
export class ReferenceReader {
  readonly stats: ReferenceReaderStats = { hits: 0, misses: 0, fetches: 0, invalid: 0 };
  readonly #doc: DynamoDBDocumentClient;
  readonly #options: ReferenceReaderOptions;
  readonly #caches: Record<ReferenceKind, TtlCache<ReferenceItem>>;

  constructor(doc: DynamoDBDocumentClient, options: ReferenceReaderOptions) {
    this.#doc = doc;
    this.#options = options;
    const cache = (): TtlCache<ReferenceItem> =>
      new TtlCache({
        ttlMs: options.ttlMs,
        ...(options.negativeTtlMs !== undefined ? { negativeTtlMs: options.negativeTtlMs } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
    this.#caches = { cells: cache(), subscribers: cache() };
  }

  /** Looks up every key of every kind; only keys missing from the cache reach DynamoDB. */
  async lookup(keys: Partial<Record<ReferenceKind, readonly string[]>>): Promise<ReferenceLookup> {
    const result: Record<ReferenceKind, Map<string, ReferenceItem>> = {
      cells: new Map(),
      subscribers: new Map(),
    };
    const requests: TableKeys[] = [];
    const kindOfTable = new Map<string, ReferenceKind>();
    for (const kind of Object.keys(REFERENCE_TABLES) as ReferenceKind[]) {
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
        const table = referenceTableName(kind, this.#options.prefix);
        kindOfTable.set(table, kind);
        requests.push({ table, keyName: REFERENCE_TABLES[kind].partitionKey, keys: missing });
      }
    }
    if (requests.length === 0) return result;
    this.stats.fetches++;
    const found = await batchGetItems(this.#doc, requests, this.#options.batchGet);
    for (const request of requests) {
      const kind = kindOfTable.get(request.table) as ReferenceKind;
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
    for (const cache of Object.values(this.#caches)) cache.clear();
  }
}
