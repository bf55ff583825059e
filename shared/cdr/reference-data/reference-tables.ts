/**
 * The DynamoDB reference-data tables, as data, and the store of the CDR pipeline that holds them
 * ({@link REFERENCE_STORE}). The CDK stack creates them from this (with point-in-time recovery
 * and encryption), `npx orion reference load` creates them locally, and the enrichment stage
 * reads them. A table's physical name is `<prefix><suffix>`; the prefix is `orion-` by default
 * (`REFERENCE_TABLE_PREFIX`), so tests and environments do not collide.
 */
import { dynamoDbTableNameOf } from '../../pipeline/definition.ts';
import type { DynamoDbStoreSpec } from '../../pipeline/types.ts';

/** The reference data ORION enriches CDRs with. */
export type ReferenceKind = 'cells' | 'subscribers';

/** One reference table. */
export interface ReferenceTableSpec {
  readonly kind: ReferenceKind;
  /** Physical name = prefix + suffix, e.g. `orion-cells`. */
  readonly suffix: string;
  /** Partition key attribute (string), the only key: lookups are by exact id. */
  readonly partitionKey: string;
  readonly description: string;
}

/** Default physical-name prefix. */
export const DEFAULT_REFERENCE_TABLE_PREFIX = 'orion-';

/** The variable the enrichment function reads the physical-name prefix from. */
export const REFERENCE_TABLE_PREFIX_VARIABLE = 'REFERENCE_TABLE_PREFIX';

/** The variable holding the freshness (ms) of the enrichment stage's reference cache. */
export const REFERENCE_CACHE_TTL_VARIABLE = 'REFERENCE_CACHE_TTL_MS';

/** Every reference table. */
export const REFERENCE_TABLES: Readonly<Record<ReferenceKind, ReferenceTableSpec>> = {
  cells: {
    kind: 'cells',
    suffix: 'cells',
    partitionKey: 'cell_id',
    description: 'Network cells: cell id → site, region, technology (2G–5G)',
  },
  subscribers: {
    kind: 'subscribers',
    suffix: 'subscribers',
    partitionKey: 'imsi',
    description: 'Subscribers: IMSI → segment, plan, home or roaming',
  },
};

/**
 * Physical table name of a reference table.
 *
 * @example referenceTableName('cells') // 'orion-cells'
 */
export function referenceTableName(
  kind: ReferenceKind,
  prefix: string = DEFAULT_REFERENCE_TABLE_PREFIX,
): string {
  return dynamoDbTableNameOf(REFERENCE_TABLES[kind], prefix);
}

/** The kinds of reference data, in table order. */
export const REFERENCE_KINDS = Object.keys(REFERENCE_TABLES) as ReferenceKind[];

/** The CDR pipeline's reference-data store: one DynamoDB table per {@link ReferenceKind}. */
export const REFERENCE_STORE = {
  kind: 'dynamodb',
  name: 'reference-data',
  description: 'Reference data the enrichment stage reads: network cells and subscribers',
  tablePrefixVariable: REFERENCE_TABLE_PREFIX_VARIABLE,
  defaultTablePrefix: DEFAULT_REFERENCE_TABLE_PREFIX,
  tables: REFERENCE_KINDS.map((kind) => ({
    suffix: REFERENCE_TABLES[kind].suffix,
    partitionKey: { name: REFERENCE_TABLES[kind].partitionKey, type: 'S' as const },
    description: REFERENCE_TABLES[kind].description,
  })),
} as const satisfies DynamoDbStoreSpec;
