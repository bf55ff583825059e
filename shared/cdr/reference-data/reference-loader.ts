/**
 * Loads reference data (cells, subscribers) into the DynamoDB reference tables with batched puts.
 * Used by `npx orion reference load`, the main job and the tests. Loading is idempotent: an item
 * with the same key replaces the previous one.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchWriteOptions } from '../../storage/dynamodb/batch-write.ts';
import { type ItemLoadReport, loadItems } from '../../storage/dynamodb/item-loader.ts';
import type { ReferenceDataSet } from './files.ts';
import {
  REFERENCE_KINDS,
  REFERENCE_TABLES,
  type ReferenceKind,
  referenceTableName,
} from './reference-tables.ts';

/** What was loaded into one table. */
export interface TableLoadReport extends ItemLoadReport {
  readonly kind: ReferenceKind;
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
  const { prefix, ...batch } = options;
  const reports: TableLoadReport[] = [];
  for (const kind of REFERENCE_KINDS) {
    const items = data[kind];
    if (!items) continue;
    const table = referenceTableName(kind, prefix);
    const report = await loadItems(doc, table, REFERENCE_TABLES[kind].partitionKey, items, {
      ...batch,
      label: kind,
    });
    reports.push({ kind, ...report });
  }
  return reports;
}
