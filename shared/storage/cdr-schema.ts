/**
 * The CDR hot-storage schema, read from `schema.cql` (the one CQL source) and parsed once.
 * Used by `npx orion storage init`, the integration tests and the CDK stack.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCqlSchema, type TableDefinition } from './cql-schema.ts';

/** Names of the CDR tables (must match `schema.cql`; a unit test checks it). */
export const CDR_TABLE = {
  bySubscriberDay: 'cdr_by_subscriber_day',
  byId: 'cdr_by_id',
} as const;

/** Absolute path of the CQL schema source. */
export const CDR_SCHEMA_PATH = fileURLToPath(new URL('./schema.cql', import.meta.url));

let cached: readonly TableDefinition[] | undefined;

/**
 * The parsed CDR tables from `schema.cql`.
 *
 * @example
 * for (const table of cdrTableDefinitions()) new CfnTable(this, table.name, keyspacesTableSpec(table, { keyspaceName }));
 */
export function cdrTableDefinitions(): readonly TableDefinition[] {
  cached ??= parseCqlSchema(readFileSync(CDR_SCHEMA_PATH, 'utf8'));
  return cached;
}
