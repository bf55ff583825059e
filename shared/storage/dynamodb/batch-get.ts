/**
 * `BatchGetItem` over any number of keys of one or more tables: chunks of 100 keys (the API's
 * limit), chunks sent with bounded concurrency, `UnprocessedKeys` retried with exponential
 * backoff and jitter. Keys left unprocessed after the last attempt raise a transient error, so
 * the caller's records are retried rather than processed with missing data.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../../runtime/outcome.ts';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF_POLICY, sleep } from '../../util/backoff.ts';
import { chunk } from '../../util/chunk.ts';
import { mapBounded } from '../../util/map-bounded.ts';

/** `BatchGetItem` accepts at most 100 keys per call. */
export const BATCH_GET_MAX_KEYS = 100;

/** Keys to read from one table (string partition key only). */
export interface TableKeys {
  readonly table: string;
  readonly keyName: string;
  readonly keys: readonly string[];
  /**
   * Strongly consistent reads of this table (`ConsistentRead`; `BatchGetItem` reads eventually
   * consistently by default): a read that must see the caller's own last write.
   * @default false
   */
  readonly consistentRead?: boolean;
}

/** Items found, by table then by key. Keys not found are absent. */
export type ItemsByTable = Map<string, Map<string, Record<string, unknown>>>;

/** Code of the transient error raised when keys stay unprocessed, unless the caller names its own. */
export const UNPROCESSED_KEYS_CODE = 'DYNAMODB_UNPROCESSED_KEYS';

/** Tuning and test hooks. */
export interface BatchGetOptions {
  readonly retry?: BackoffPolicy;
  /**
   * `TransientError.code` when keys are left unprocessed (what the stage's DLQ headers show).
   * @default {@link UNPROCESSED_KEYS_CODE}
   */
  readonly unprocessedCode?: string;
  /** Chunks in flight at once (default 4). */
  readonly concurrency?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

type Pending = Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }>;

/**
 * Reads every key of every table; duplicate keys are read once.
 *
 * @example
 * const found = await batchGetItems(doc, [{ table: 'orion-items', keyName: 'item_id', keys: ['i1', 'i2'] }]);
 * found.get('orion-items')?.get('i1');
 */
export async function batchGetItems(
  doc: DynamoDBDocumentClient,
  requests: readonly TableKeys[],
  options: BatchGetOptions = {},
): Promise<ItemsByTable> {
  const found: ItemsByTable = new Map();
  const flat: { table: string; keyName: string; key: string }[] = [];
  const keyNameOf = new Map<string, string>();
  const consistent = new Set<string>();
  for (const { table, keyName, keys, consistentRead } of requests) {
    found.set(table, found.get(table) ?? new Map());
    keyNameOf.set(table, keyName);
    if (consistentRead) consistent.add(table);
    for (const key of new Set(keys)) flat.push({ table, keyName, key });
  }
  const chunks = chunk(flat, BATCH_GET_MAX_KEYS);
  await mapBounded(chunks, options.concurrency ?? 4, async (part) => {
    let pending: Pending = {};
    for (const { table, keyName, key } of part) {
      const entry = pending[table] ?? {
        Keys: [],
        ...(consistent.has(table) ? { ConsistentRead: true } : {}),
      };
      entry.Keys.push({ [keyName]: key });
      pending[table] = entry;
    }
    const policy = options.retry ?? DEFAULT_BACKOFF_POLICY;
    for (let attempt = 1; ; attempt++) {
      const out = await doc.send(new BatchGetCommand({ RequestItems: pending }));
      for (const [table, items] of Object.entries(out.Responses ?? {})) {
        const keyName = keyNameOf.get(table) as string;
        const byKey = found.get(table) as Map<string, Record<string, unknown>>;
        for (const item of items) byKey.set(String(item[keyName]), item);
      }
      const unprocessed = (out.UnprocessedKeys ?? {}) as Pending;
      const left = Object.values(unprocessed).reduce((n, t) => n + (t.Keys?.length ?? 0), 0);
      if (left === 0) return;
      if (attempt >= policy.maxAttempts) {
        throw new TransientError(
          options.unprocessedCode ?? UNPROCESSED_KEYS_CODE,
          `BatchGetItem left ${left} keys unprocessed after ${attempt} attempts (throttled?)`,
        );
      }
      await (options.sleep ?? sleep)(backoffDelayMs(attempt, policy, options.random));
      pending = unprocessed;
      for (const table of consistent) if (pending[table]) pending[table].ConsistentRead = true;
    }
  });
  return found;
}
