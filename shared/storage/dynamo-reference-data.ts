/**
 * The CDR domain's {@link ReferenceDataPort} over the DynamoDB reference tables: batched
 * `BatchGetItem` lookups behind the per-execution-environment TTL cache of {@link ReferenceReader}.
 * Items are checked against the domain's schemas when read; an item that does not match is treated
 * as unknown (and counted), like a missing one, rather than failing every batch that meets it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReferenceDataPort } from '../cdr/enrichment/reference-data-port.ts';
import { type Cell, CellSchema, type Subscriber, SubscriberSchema } from '../cdr/reference-data/schemas.ts';
import { type DynamoDbConfig, sharedDynamoDb } from './dynamodb-client.ts';
import { type ReferenceItem, ReferenceReader, type ReferenceReaderOptions } from './reference-reader.ts';
import type { ReferenceKind } from './reference-tables.ts';

/** Validates a stored item against the domain schema of its kind. */
function parseReferenceItem(kind: ReferenceKind, item: ReferenceItem): ReferenceItem | undefined {
  const parsed = (kind === 'cells' ? CellSchema : SubscriberSchema).safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

/**
 * @example
 * const port = new DynamoReferenceData(doc, { prefix: 'orion-', ttlMs: 300_000 });
 * const stage = enrichmentStage(port);
 */
export class DynamoReferenceData implements ReferenceDataPort {
  /** The underlying reader (its `stats` count cache hits, misses, fetches and invalid items). */
  readonly reader: ReferenceReader;

  constructor(doc: DynamoDBDocumentClient, options: Omit<ReferenceReaderOptions, 'parse'>) {
    this.reader = new ReferenceReader(doc, { ...options, parse: parseReferenceItem });
  }

  /** The known cells among `cellIds`. */
  async getCells(cellIds: readonly string[]): Promise<ReadonlyMap<string, Cell>> {
    return (await this.reader.lookup({ cells: cellIds })).cells as ReadonlyMap<string, Cell>;
  }

  /** The known subscribers among `imsis`, keyed by IMSI. */
  async getSubscribers(imsis: readonly string[]): Promise<ReadonlyMap<string, Subscriber>> {
    return (await this.reader.lookup({ subscribers: imsis })).subscribers as ReadonlyMap<string, Subscriber>;
  }
}

let shared: DynamoReferenceData | undefined;

/**
 * The execution environment's port (one client, one cache), configured from `process.env`
 * (`DYNAMODB_ENDPOINT`, `AWS_REGION`, `REFERENCE_TABLE_PREFIX`, `REFERENCE_CACHE_TTL_MS`) on first
 * use; pass a config to build it from explicit settings instead.
 *
 * @example export const handler = createKafkaHandler(enrichmentStage(sharedReferenceData()));
 */
export function sharedReferenceData(config?: DynamoDbConfig): DynamoReferenceData {
  if (!shared) {
    const { doc, config: resolved } = sharedDynamoDb(config);
    shared = new DynamoReferenceData(doc, { prefix: resolved.tablePrefix, ttlMs: resolved.cacheTtlMs });
  }
  return shared;
}
