/**
 * The commerce activity-storage schema, read from `schema.cql` (the one CQL source) and parsed
 * once, and the store of the commerce pipeline that holds it ({@link ACTIVITY_STORE}).
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

/** Names of the activity tables (must match `schema.cql`; a unit test checks it). */
export const ACTIVITY_TABLE = { byUserDay: 'activity_by_user_day' } as const;

/** Absolute path of the CQL schema source. */
export const ACTIVITY_SCHEMA_PATH = fileURLToPath(new URL('./schema.cql', import.meta.url));

let cached: readonly TableDefinition[] | undefined;

/**
 * The parsed activity tables from `schema.cql`. It reads the file: call it from CDK and the local
 * tools, never at a handler's module load (a Lambda bundle carries no `schema.cql`).
 * @example activityTableDefinitions()[0].name // 'activity_by_user_day'
 */
export function activityTableDefinitions(): readonly TableDefinition[] {
  cached ??= parseCqlSchema(readFileSync(ACTIVITY_SCHEMA_PATH, 'utf8'));
  return cached;
}

/**
 * Creates the keyspace and the activity tables if missing (local runs and tests; in AWS the CDK
 * stack owns them).
 * @example await applyActivitySchema(client, { keyspace: 'orion_commerce' })
 */
export function applyActivitySchema(
  client: cassandra.Client,
  options: Omit<SchemaApplyOptions, 'sourceName'>,
): Promise<SchemaApplyReport> {
  return applyCassandraSchema(client, activityTableDefinitions(), { ...options, sourceName: 'schema.cql' });
}

/**
 * The commerce pipeline's activity store. Its `tables` are parsed from `schema.cql` when first
 * read (CDK, the local tools), not when the definition is imported (handlers import it).
 */
export const ACTIVITY_STORE = {
  kind: 'cassandra',
  name: 'activity',
  description: 'Shopper activity by user and day (schema: shared/commerce/storage/schema.cql)',
  get tables(): readonly TableDefinition[] {
    return activityTableDefinitions();
  },
} as const satisfies CassandraStoreSpec;
