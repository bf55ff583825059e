/**
 * Reads reference items by key from the DynamoDB reference tables with a per-execution-environment
 * TTL cache (the storage adapter's {@link CachedItemReader} over one table per kind). Keys left
 * unprocessed by DynamoDB fail the batch transiently with `REFERENCE_DATA_UNAVAILABLE`, so the
 * records are retried rather than enriched with missing data.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchGetOptions } from '../../storage/dynamodb/batch-get.ts';
import {
  CachedItemReader,
  type CachedItemReaderOptions,
  type CachedLookup,
  type CachedTable,
  type StoredItem,
} from '../../storage/dynamodb/cached-reader.ts';
import {
  REFERENCE_KINDS,
  REFERENCE_TABLES,
  type ReferenceKind,
  referenceTableName,
} from './reference-tables.ts';

/** A reference item as stored (plain attributes). */
export type ReferenceItem = StoredItem;

/** Found items per kind, by key; unknown keys are absent. */
export type ReferenceLookup = CachedLookup<ReferenceKind>;

/** The transient failure code when reference keys stay unprocessed (throttling). */
export const REFERENCE_DATA_UNAVAILABLE = 'REFERENCE_DATA_UNAVAILABLE';

/** Options of a {@link ReferenceReader}. */
export interface ReferenceReaderOptions extends Omit<CachedItemReaderOptions<ReferenceKind>, 'tables'> {
  /** Physical-name prefix of the tables (e.g. `orion-`). */
  readonly prefix: string;
  readonly batchGet?: BatchGetOptions;
}

/**
 * @example
 * const reader = new ReferenceReader(doc, { prefix: 'orion-', ttlMs: 300_000 });
 * const { cells, subscribers } = await reader.lookup({ cells: ['c1'], subscribers: [imsi] });
 */
export class ReferenceReader extends CachedItemReader<ReferenceKind> {
  constructor(doc: DynamoDBDocumentClient, options: ReferenceReaderOptions) {
    const { prefix, batchGet, ...rest } = options;
    const tables = Object.fromEntries(
      REFERENCE_KINDS.map((kind) => [
        kind,
        { table: referenceTableName(kind, prefix), keyName: REFERENCE_TABLES[kind].partitionKey },
      ]),
    ) as Record<ReferenceKind, CachedTable>;
    super(doc, { ...rest, tables, batchGet: { unprocessedCode: REFERENCE_DATA_UNAVAILABLE, ...batchGet } });
  }
}
