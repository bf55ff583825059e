/**
 * `BatchWriteItem` puts of any number of items into one table: chunks of 25 (the API's limit),
 * sent with bounded concurrency, `UnprocessedItems` retried with exponential backoff and jitter.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF_POLICY, sleep } from '../../util/backoff.ts';
import { chunk } from '../../util/chunk.ts';
import { mapBounded } from '../../util/map-bounded.ts';
import { StorageError } from '../errors.ts';

/** `BatchWriteItem` accepts at most 25 requests per call. */
export const BATCH_WRITE_MAX_ITEMS = 25;

/** Tuning and test hooks. */
export interface BatchWriteOptions {
  readonly retry?: BackoffPolicy;
  /** Chunks in flight at once (default 4). */
  readonly concurrency?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** What a batch write did. */
export interface BatchWriteReport {
  readonly written: number;
  /** `BatchWriteItem` calls made, retries included. */
  readonly calls: number;
  /** Retries caused by unprocessed items. */
  readonly retries: number;
}

/**
 * Puts every item into `table` (an existing item with the same key is replaced).
 * Throws {@link StorageError} `UNPROCESSED_ITEMS` (retryable) when items are still unprocessed
 * after the last attempt.
 *
 * @example await batchPutItems(doc, 'orion-items', items)
 */
export async function batchPutItems(
  doc: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  options: BatchWriteOptions = {},
): Promise<BatchWriteReport> {
  const policy = options.retry ?? DEFAULT_BACKOFF_POLICY;
  let calls = 0;
  let retries = 0;
  await mapBounded(chunk(items, BATCH_WRITE_MAX_ITEMS), options.concurrency ?? 4, async (part) => {
    let pending = part.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; ; attempt++) {
      calls++;
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      const unprocessed = out.UnprocessedItems?.[table] ?? [];
      if (unprocessed.length === 0) return;
      if (attempt >= policy.maxAttempts) {
        throw new StorageError(
          'UNPROCESSED_ITEMS',
          `BatchWriteItem left ${unprocessed.length} items unprocessed in ${table} after ${attempt} attempts`,
        );
      }
      retries++;
      await (options.sleep ?? sleep)(backoffDelayMs(attempt, policy, options.random));
      pending = unprocessed as typeof pending;
    }
  });
  return { written: items.length, calls, retries };
}
