/**
 * Applies the CDR schema to a Cassandra cluster: keyspace (replication per target) then every
 * table of `schema.cql`, idempotently (`IF NOT EXISTS`). Amazon Keyspaces gets its keyspace and
 * tables from the CDK stack instead; this is for local runs and tests.
 */
import type cassandra from 'cassandra-driver';
import { cdrTableDefinitions } from './cdr-schema.ts';
import { createTableCql } from './create-table-cql.ts';
import { createKeyspaceCql, type StorageTarget } from './keyspace.ts';

/** What {@link applyCdrSchema} ran. */
export interface SchemaApplyReport {
  readonly keyspace: string;
  readonly tables: readonly string[];
  readonly ms: number;
}

/**
 * Creates the keyspace and the CDR tables if missing. `ttlSeconds` overrides the tables'
 * `default_time_to_live` from the CQL source (only at creation: an existing table is left as is).
 *
 * @example await applyCdrSchema(client, { keyspace: 'orion' })
 */
export async function applyCdrSchema(
  client: cassandra.Client,
  options: { keyspace: string; target?: StorageTarget; ttlSeconds?: number },
): Promise<SchemaApplyReport> {
  const started = performance.now();
  await client.execute(createKeyspaceCql(options.keyspace, options.target ?? 'cassandra'));
  const tables: string[] = [];
  for (const table of cdrTableDefinitions()) {
    await client.execute(
      createTableCql(table, {
        keyspace: options.keyspace,
        ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
      }),
    );
    tables.push(table.name);
  }
  return { keyspace: options.keyspace, tables, ms: Math.round(performance.now() - started) };
}
