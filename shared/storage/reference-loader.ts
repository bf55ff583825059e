/**
 * Loads reference data (cells, subscribers) into the DynamoDB reference tables with batched puts.
 * Used by `npx orion reference load` and the tests. Loading is idempotent: an item with the same
 * key replaces the previous one.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type BatchWriteOptions, batchPutItems } from './dynamodb-batch-write.ts';
import { REFERENCE_TABLES, type ReferenceKind, referenceTableName } from './reference-tables.ts';

/** Reference items per kind, as plain objects carrying their partition key. */
export type ReferenceDataSet = Partial<Record<ReferenceKind, readonly Record<string, unknown>[]>>;

/** What was loaded into one table. */
export interface TableLoadReport {
  readonly kind: ReferenceKind;
  readonly table: string;
  readonly items: number;
  /** Items of the input that repeated an earlier key (the last one wins). */
  readonly duplicates: number;
  readonly calls: number;
  readonly retries: number;
  readonly ms: number;
}

/**
 * Writes every item of `data` to its reference table (`<prefix><kind>`). Throws, naming the kind
 * and position, when an item lacks a string partition key.
 *
 * @example
 * const reports = await loadReferenceData(doc, { cells, subscribers }, { prefix: 'orion-' });
 */
export async function loadReferenceData(
  doc: DynamoDBDocumentClient,
  data: ReferenceDataSet,
  options: { prefix: string } & BatchWriteOptions,
): Promise<TableLoadReport[]> {
  const reports: TableLoadReport[] = [];
  for (const kind of Object.keys(REFERENCE_TABLES) as ReferenceKind[]) {
    const items = data[kind];
    if (!items) continue;
    const key = REFERENCE_TABLES[kind].partitionKey;
    const byKey = new Map<string, Record<string, unknown>>();
    items.forEach((item, index) => {
      const value = item[key];
      if (typeof value !== 'string' || value.length === 0) {
        throw new Error(`${kind}[${index}]: missing string partition key "${key}"`);
      }
      byKey.set(value, item);
    });
    const table = referenceTableName(kind, options.prefix);
    const started = performance.now();
    const report = await batchPutItems(doc, table, [...byKey.values()], options);
    reports.push({
      kind,
      table,
      items: report.written,
      duplicates: items.length - byKey.size,
      calls: report.calls,
      retries: report.retries,
      ms: Math.round(performance.now() - started),
    });
  }
  return reports;
}
