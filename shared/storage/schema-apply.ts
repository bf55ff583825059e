/**
 * Applies the CDR schema to a Cassandra cluster: keyspace (replication per target), every table of
 * `schema.cql` (`IF NOT EXISTS`), then the columns the source gained since a table was created
 * (`ALTER TABLE … ADD`, the only evolution Keyspaces allows too). A key or type change cannot be
 * applied in place: it fails with a message saying to recreate the local keyspace. Amazon
 * Keyspaces gets its keyspace and tables from the CDK stack instead; this is for local runs and tests.
 */
import type cassandra from 'cassandra-driver';
import { cdrTableDefinitions } from './cdr-schema.ts';
import { createTableCql } from './create-table-cql.ts';
import { createKeyspaceCql, type StorageTarget } from './keyspace.ts';

/** What {@link applyCdrSchema} did. */
export interface SchemaApplyReport {
  readonly keyspace: string;
  readonly tables: readonly string[];
  /** `table.column` added to existing tables. */
  readonly addedColumns: readonly string[];
  readonly ms: number;
}

/**
 * Creates the keyspace and the CDR tables if missing and adds missing columns. `ttlSeconds`
 * overrides the tables' `default_time_to_live` from the CQL source at creation.
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
  const addedColumns: string[] = [];
  for (const table of cdrTableDefinitions()) {
    await client.execute(
      createTableCql(table, {
        keyspace: options.keyspace,
        ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
      }),
    );
    const rs = await client.execute(
      'SELECT column_name, type, kind FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
      [options.keyspace, table.name],
    );
    const existing = new Map(rs.rows.map((r) => [r.get('column_name') as string, r.get('type') as string]));
    const keys = new Set([...table.partitionKey, ...table.clusteringKey].map((c) => c.name));
    for (const column of table.columns) {
      const type = existing.get(column.name);
      if (type === undefined) {
        if (keys.has(column.name))
          throw schemaDrift(options.keyspace, table.name, `key column ${column.name} is missing`);
        await client.execute(
          `ALTER TABLE ${options.keyspace}.${table.name} ADD ${column.name} ${column.type}`,
        );
        addedColumns.push(`${table.name}.${column.name}`);
      } else if (type.replace(/\s+/g, '') !== column.type.replace(/\s+/g, '')) {
        throw schemaDrift(
          options.keyspace,
          table.name,
          `column ${column.name} is ${type}, the source says ${column.type}`,
        );
      }
    }
    tables.push(table.name);
  }
  return { keyspace: options.keyspace, tables, addedColumns, ms: Math.round(performance.now() - started) };
}

function schemaDrift(keyspace: string, table: string, detail: string): Error {
  return new Error(
    `${keyspace}.${table} does not match schema.cql (${detail}); recreate the local keyspace: npx orion storage init --recreate`,
  );
}

/**
 * Drops a keyspace and everything in it (local runs and tests only).
 *
 * @example await dropKeyspace(client, 'it_storage_m3x9k2_1')
 */
export async function dropKeyspace(client: cassandra.Client, keyspace: string): Promise<void> {
  createKeyspaceCql(keyspace, 'cassandra'); // validates the name
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
}
