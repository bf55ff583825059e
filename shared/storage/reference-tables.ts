/**
 * The DynamoDB reference-data tables, as data. The CDK stack creates them from this (with
 * point-in-time recovery and encryption), `npx orion reference load` creates them locally, and
 * the enrichment stage reads them. A table's physical name is `<prefix><suffix>`; the prefix is
 * `orion-` by default (`REFERENCE_TABLE_PREFIX`), so tests and environments do not collide.
 */

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
  return `${prefix}${REFERENCE_TABLES[kind].suffix}`;
}
