/**
 * The CDR hot-storage schema, read from `schema.cql` (the one CQL source) and parsed once.
 * Used by `npx orion storage init`, the main job, the integration tests and the CDK stack (through
 * the CDR pipeline definition's hot-storage store).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type cassandra from 'cassandra-driver';
import type { CassandraStoreSpec, TableDefinition } from '../../pipeline/types.ts';
import { parseCqlSchema } from '../../storage/cassandra/cql-schema.ts';
import {
  applyCassandraSchema,
  type SchemaApplyOptions,
  type SchemaApplyReport,
} from '../../storage/cassandra/schema-apply.ts';

/**
 * Names of the CDR tables (must match `schema.cql`; a unit test checks it): the full rows by
 * subscriber and day, and the lookup rows by CDR id (cdr_id → the full row's key, `stored_at`).
 * A reshaped table gets a new name (see `schema.cql`).
 */
export const CDR_TABLE = {
  bySubscriberDay: 'cdr_by_subscriber_day_v2',
  byId: 'cdr_lookup_by_id',
} as const;

/** Absolute path of the CQL schema source. */
export const CDR_SCHEMA_PATH = fileURLToPath(new URL('./schema.cql', import.meta.url));

let cached: readonly TableDefinition[] | undefined;

/**
 * The parsed CDR tables from `schema.cql`. It reads the file: call it from CDK and the local
 * tools, never at a handler's module load (a Lambda bundle carries no `schema.cql`).
 *
 * @example
 * for (const table of cdrTableDefinitions()) new CfnTable(this, table.name, keyspacesTableSpec(table, { keyspaceName }));
 */
export function cdrTableDefinitions(): readonly TableDefinition[] {
  cached ??= parseCqlSchema(readFileSync(CDR_SCHEMA_PATH, 'utf8'));
  return cached;
}

/**
 * Creates the keyspace and the CDR tables if missing and adds the columns `schema.cql` gained
 * (local runs and tests; in AWS the CDK stack owns them). `ttlSeconds` overrides the tables'
 * `default_time_to_live` at creation.
 *
 * @example await applyCdrSchema(client, { keyspace: 'orion' })
 */
export function applyCdrSchema(
  client: cassandra.Client,
  options: Omit<SchemaApplyOptions, 'sourceName'>,
): Promise<SchemaApplyReport> {
  return applyCassandraSchema(client, cdrTableDefinitions(), { ...options, sourceName: 'schema.cql' });
}

/**
 * The CDR pipeline's hot-storage store. Its `tables` are parsed from `schema.cql` when first read
 * (CDK, `orion storage init`), not when the definition is imported: every stage handler imports the
 * pipeline definition, and a Lambda bundle carries no `schema.cql`.
 */
export const HOT_STORAGE_STORE = {
  kind: 'cassandra',
  name: 'hot-storage',
  description: 'CDRs by subscriber and day, and by CDR id (schema: shared/cdr/storage/schema.cql)',
  get tables(): readonly TableDefinition[] {
    return cdrTableDefinitions();
  },
} as const satisfies CassandraStoreSpec;
