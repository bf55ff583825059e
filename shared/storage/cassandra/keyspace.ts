/**
 * The keyspace: the one place where local Cassandra and Amazon Keyspaces differ in schema.
 * Locally the keyspace is created with SimpleStrategy and replication factor 1 (one node);
 * Amazon Keyspaces replicates three ways across AZs itself and takes `SingleRegionStrategy`
 * (the CDK stack declares it as `AWS::Cassandra::Keyspace` without a multi-Region spec).
 *
 * The local keyspace keeps `durable_writes = true` (the commit log). Without it the storage path
 * cost about 19 % less Cassandra CPU (116 against 144 µs per stored record, 120,000 records, 2 December
 * 2026), but an acknowledged write then lives only in a memtable until the next flush: a
 * Cassandra killed (the stack's SIGKILL after its grace period, a crash, the fault runs'
 * `cassandra-stop`) would lose records the storage stage already reported stored, and the exact
 * accounting of the local runs and fault runs would no longer hold.
 */
import { StorageError } from '../errors.ts';

/** Default keyspace name (override with `CASSANDRA_KEYSPACE`). */
export const DEFAULT_KEYSPACE = 'orion';

/** Where the schema is applied. */
export type StorageTarget = 'cassandra' | 'keyspaces';

/** The replication map of the keyspace for a target, as CQL. */
export function replicationOf(target: StorageTarget): string {
  return target === 'keyspaces'
    ? "{'class': 'SingleRegionStrategy'}"
    : "{'class': 'SimpleStrategy', 'replication_factor': 1}";
}

/**
 * `CREATE KEYSPACE IF NOT EXISTS` for a target.
 *
 * @example createKeyspaceCql('orion', 'cassandra')
 * // CREATE KEYSPACE IF NOT EXISTS orion WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}
 */
export function createKeyspaceCql(keyspace: string, target: StorageTarget): string {
  assertKeyspaceName(keyspace);
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationOf(target)}`;
}

/**
 * Keyspace names: lower-case letters, digits and `_`, starting with a letter, at most 48
 * characters (Amazon Keyspaces' limit). Throws {@link StorageError} `INVALID_NAME` otherwise.
 *
 * @example assertKeyspaceName('orion_dev') // ok; assertKeyspaceName('Orion') throws
 */
export function assertKeyspaceName(keyspace: string): void {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(keyspace)) {
    throw new StorageError('INVALID_NAME', `Invalid keyspace name "${keyspace}": use [a-z][a-z0-9_]{0,47}`);
  }
}
