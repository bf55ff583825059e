/**
 * The schema properties of `AWS::Cassandra::Table`, mapped from a table definition that the CQL
 * parser (`shared/storage/cassandra/cql-schema.ts`) has already checked. This CDK mapping checks
 * only what reaches CloudFormation from elsewhere: the keyspace name (deployment configuration,
 * pipeline infix) and a TTL override (`orion:storageTtlDays`), against what Amazon Keyspaces
 * accepts ("Quotas for Amazon Keyspaces": keyspace names of at most 48 characters; TTL at most
 * 630,720,000 s, 20 years), so a bad value fails the synthesis, not the deployment.
 */
import type { TableDefinition } from '../../shared/pipeline/index.ts';

/** Amazon Keyspaces' maximum TTL: 630,720,000 s (20 years). */
const KEYSPACES_MAX_TTL_SECONDS = 630_720_000;

/** Keyspace names ORION creates: lower-case, a letter first, at most 48 characters. */
const KEYSPACE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

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
  if (!options.keyspaceName.includes('${Token') && !KEYSPACE_NAME.test(options.keyspaceName)) {
    throw new Error(`Keyspace name "${options.keyspaceName}" must match ${KEYSPACE_NAME}`);
  }
  const ttl = options.ttlSeconds ?? table.defaultTtlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > KEYSPACES_MAX_TTL_SECONDS)) {
    throw new Error(
      `${table.name}: TTL ${ttl} s is outside Amazon Keyspaces' range 0…${KEYSPACES_MAX_TTL_SECONDS} s`,
    );
  }
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
