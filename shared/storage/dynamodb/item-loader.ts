/**
 * Loads items into a DynamoDB table with batched puts (local runs, tests, seed data). Loading is
 * idempotent: an item with the same key replaces the previous one, and an input that repeats a key
 * is written once (the last one wins).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StorageError } from '../errors.ts';
import { type BatchWriteOptions, batchPutItems } from './batch-write.ts';

/** What was loaded into one table. */
export interface ItemLoadReport {
  readonly table: string;
  readonly items: number;
  /** Items of the input that repeated an earlier key (the last one wins). */
  readonly duplicates: number;
  readonly calls: number;
  readonly retries: number;
  readonly ms: number;
}

/** Options of {@link loadItems}. */
export interface ItemLoadOptions extends BatchWriteOptions {
  /** Names the input in error messages. @default the table name */
  readonly label?: string;
}

/**
 * Writes every item to `table`, keyed by its string attribute `keyName`. Throws {@link StorageError}
 * `INVALID_ITEM`, naming the input and position, when an item lacks that key; nothing is written then.
 *
 * @example const report = await loadItems(doc, 'orion-items', 'item_id', items);
 */
export async function loadItems(
  doc: DynamoDBDocumentClient,
  table: string,
  keyName: string,
  items: readonly Record<string, unknown>[],
  options: ItemLoadOptions = {},
): Promise<ItemLoadReport> {
  const byKey = new Map<string, Record<string, unknown>>();
  items.forEach((item, index) => {
    const value = item[keyName];
    if (typeof value !== 'string' || value.length === 0) {
      throw new StorageError(
        'INVALID_ITEM',
        `${options.label ?? table}[${index}]: missing string partition key "${keyName}"`,
      );
    }
    byKey.set(value, item);
  });
  const started = performance.now();
  const report = await batchPutItems(doc, table, [...byKey.values()], options);
  return {
    table,
    items: report.written,
    duplicates: items.length - byKey.size,
    calls: report.calls,
    retries: report.retries,
    ms: Math.round(performance.now() - started),
  };
}
