/**
 * The keyspace: the one place where local Cassandra and Amazon Keyspaces differ in schema.
 * Locally the keyspace is created with SimpleStrategy and replication factor 1 (one node);
 * Amazon Keyspaces replicates three ways across AZs itself and takes `SingleRegionStrategy`
 * (the CDK stack declares it as `AWS::Cassandra::Keyspace` without a multi-Region spec).
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
