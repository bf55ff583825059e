/**
 * The CDR domain's {@link ReferenceDataPort} over the DynamoDB reference tables: batched
 * `BatchGetItem` lookups behind the per-execution-environment TTL cache of {@link ReferenceReader}.
 * Items are checked against the domain's schemas when read; an item that does not match is treated
 * as unknown (and counted), like a missing one, rather than failing every batch that meets it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type DynamoDbConfig, dynamoDbConfigFromEnv, sharedDynamoDb } from '../../storage/dynamodb/client.ts';
import { tablePrefixFromEnv } from '../../storage/dynamodb/tables.ts';
import { configProblems, DynamoDbConfigError } from '../../storage/errors.ts';
import type { ReferenceDataPort } from '../enrichment/reference-data-port.ts';
import { type ReferenceItem, ReferenceReader, type ReferenceReaderOptions } from './reference-reader.ts';
import { REFERENCE_CACHE_TTL_VARIABLE, REFERENCE_STORE, type ReferenceKind } from './reference-tables.ts';
import { type Cell, REFERENCE_ITEM_SCHEMAS, type Subscriber } from './schemas.ts';

/** Where the reference tables are and how long the enrichment stage caches their items. */
export interface ReferenceDataConfig extends DynamoDbConfig {
  /** Physical-name prefix of the reference tables. */
  readonly tablePrefix: string;
  /** Reference cache TTL, ms. */
  readonly cacheTtlMs: number;
}

const cacheSchema = z.object({ cacheTtlMs: z.coerce.number().int().min(0).max(86_400_000) });

/**
 * Reads the DynamoDB settings plus `REFERENCE_TABLE_PREFIX` (default `orion-`) and
 * `REFERENCE_CACHE_TTL_MS` (default 300,000 = 5 min) and validates them; throws
 * `DynamoDbConfigError` naming the bad variable.
 *
 * @example referenceDataConfigFromEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' }).tablePrefix // 'orion-'
 */
export function referenceDataConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ReferenceDataConfig {
  const dynamo = dynamoDbConfigFromEnv(env);
  const tablePrefix = tablePrefixFromEnv(REFERENCE_STORE, env);
  const cache = cacheSchema.safeParse({ cacheTtlMs: env[REFERENCE_CACHE_TTL_VARIABLE]?.trim() || 300_000 });
  if (!cache.success) {
    const problems = configProblems(cache.error, { cacheTtlMs: REFERENCE_CACHE_TTL_VARIABLE });
    throw new DynamoDbConfigError(`Invalid DynamoDB configuration: ${problems}`);
  }
  return { ...dynamo, tablePrefix, cacheTtlMs: cache.data.cacheTtlMs };
}

/** Validates a stored item against the domain schema of its kind. */
function parseReferenceItem(kind: ReferenceKind, item: ReferenceItem): ReferenceItem | undefined {
  const parsed = REFERENCE_ITEM_SCHEMAS[kind].safeParse(item);
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
export function sharedReferenceData(config?: ReferenceDataConfig): DynamoReferenceData {
  if (!shared) {
    const resolved = config ?? referenceDataConfigFromEnv();
    const { doc } = sharedDynamoDb(resolved);
    shared = new DynamoReferenceData(doc, { prefix: resolved.tablePrefix, ttlMs: resolved.cacheTtlMs });
  }
  return shared;
}
