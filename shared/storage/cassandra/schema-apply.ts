/**
 * Applies a store's tables (parsed from its CQL source) to a Cassandra cluster: keyspace
 * (replication per target), every table (`IF NOT EXISTS`), then the columns the source gained
 * since a table was created (`ALTER TABLE … ADD`, the only evolution Keyspaces allows too). A key
 * or type change cannot be applied in place: it fails with a message saying to recreate the local
 * keyspace. Amazon Keyspaces gets its keyspace and tables from the CDK stack instead; this is for
 * local runs and tests.
 */
import type cassandra from 'cassandra-driver';
import type { TableDefinition } from '../../pipeline/types.ts';
import { StorageError } from '../errors.ts';
import { createTableCql } from './create-table-cql.ts';
import { createKeyspaceCql, type StorageTarget } from './keyspace.ts';

/** Where and how {@link applyCassandraSchema} applies the tables. */
export interface SchemaApplyOptions {
  readonly keyspace: string;
  /** @default 'cassandra' */
  readonly target?: StorageTarget;
  /** Overrides the tables' `default_time_to_live` at creation. @default the source's */
  readonly ttlSeconds?: number;
  /** The CQL source's name, for the drift message. @default 'its CQL source' */
  readonly sourceName?: string;
}

/** What {@link applyCassandraSchema} did. */
export interface SchemaApplyReport {
  readonly keyspace: string;
  readonly tables: readonly string[];
  /** `table.column` added to existing tables. */
  readonly addedColumns: readonly string[];
  readonly ms: number;
}

/**
 * Creates the keyspace and the tables if missing and adds missing columns; throws
 * {@link StorageError} `SCHEMA_DRIFT` when a key or a column type differs from the source.
 *
 * @example await applyCassandraSchema(client, parseCqlSchema(source), { keyspace: 'orion' })
 */
export async function applyCassandraSchema(
  client: cassandra.Client,
  tableDefinitions: readonly TableDefinition[],
  options: SchemaApplyOptions,
): Promise<SchemaApplyReport> {
  const drift = (table: string, detail: string): StorageError =>
    new StorageError(
      'SCHEMA_DRIFT',
      `${options.keyspace}.${table} does not match ${options.sourceName ?? 'its CQL source'} (${detail}); recreate the local keyspace: npx orion storage init --recreate`,
    );
  const started = performance.now();
  await client.execute(createKeyspaceCql(options.keyspace, options.target ?? 'cassandra'));
  const tables: string[] = [];
  const addedColumns: string[] = [];
  for (const table of tableDefinitions) {
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
        if (keys.has(column.name)) throw drift(table.name, `key column ${column.name} is missing`);
        await client.execute(
          `ALTER TABLE ${options.keyspace}.${table.name} ADD ${column.name} ${column.type}`,
        );
        addedColumns.push(`${table.name}.${column.name}`);
      } else if (type.replace(/\s+/g, '') !== column.type.replace(/\s+/g, '')) {
        throw drift(table.name, `column ${column.name} is ${type}, the source says ${column.type}`);
      }
    }
    tables.push(table.name);
  }
  return { keyspace: options.keyspace, tables, addedColumns, ms: Math.round(performance.now() - started) };
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
