import type { TableDefinition } from '../../pipeline/types.ts';
import { assertTtl } from './cql-schema.ts';
import { assertKeyspaceName } from './keyspace.ts';

/** A column as `AWS::Cassandra::Table` takes it. */
export interface KeyspacesColumnSpec {
  readonly columnName: string;
  readonly columnType: string;
}

/**
 * The schema part of `AWS::Cassandra::Table` (CDK `aws_cassandra.CfnTableProps`), derived from the
 * CQL source. The CDK construct adds billing mode, point-in-time recovery, encryption and tags;
 * it spreads this object and must not restate columns or keys.
 */
export interface KeyspacesTableSpec {
  readonly keyspaceName: string;
  readonly tableName: string;
  readonly partitionKeyColumns: readonly KeyspacesColumnSpec[];
  readonly clusteringKeyColumns: readonly {
    readonly column: KeyspacesColumnSpec;
    readonly orderBy: 'ASC' | 'DESC';
  }[];
  readonly regularColumns: readonly KeyspacesColumnSpec[];
  /** Seconds; absent when the table has no default TTL. Keyspaces enables TTL on the table with it. */
  readonly defaultTimeToLive?: number;
}

/**
 * Maps a parsed table definition to the `AWS::Cassandra::Table` schema properties.
 *
 * @example
 * new cassandra.CfnTable(this, 'EventsById', {
 *   ...keyspacesTableSpec(table, { keyspaceName: keyspace.ref }),
 *   pointInTimeRecoveryEnabled: true,
 * });
 */
export function keyspacesTableSpec(
  table: TableDefinition,
  options: { keyspaceName: string; ttlSeconds?: number },
): KeyspacesTableSpec {
  // A CDK token (e.g. `keyspace.ref`) cannot be validated at synth time: only check literals.
  if (!options.keyspaceName.includes('${Token')) assertKeyspaceName(options.keyspaceName);
  const ttl = options.ttlSeconds ?? table.defaultTtlSeconds;
  if (ttl !== undefined) assertTtl(table.name, ttl);
  const column = (c: { name: string; type: string }): KeyspacesColumnSpec => ({
    columnName: c.name,
    columnType: c.type,
  });
  return {
    keyspaceName: options.keyspaceName,
    tableName: table.name,
    partitionKeyColumns: table.partitionKey.map(column),
    clusteringKeyColumns: table.clusteringKey.map((c) => ({ column: column(c), orderBy: c.order })),
    regularColumns: table.regularColumns.map(column),
    ...(ttl !== undefined && ttl > 0 ? { defaultTimeToLive: ttl } : {}),
  };
}
