import type { TableDefinition } from '../../pipeline/types.ts';
import { assertTtl } from './cql-schema.ts';
import { assertKeyspaceName } from './keyspace.ts';

/**
 * Renders a parsed table definition as `CREATE TABLE IF NOT EXISTS <keyspace>.<table>`, with an
 * optional TTL override. Local runs apply the schema through this, so what Cassandra gets is
 * exactly what the parser (and therefore the Keyspaces template) saw.
 *
 * @example
 * createTableCql(table, { keyspace: 'orion', ttlSeconds: 86_400 })
 */
export function createTableCql(
  table: TableDefinition,
  options: { keyspace: string; ttlSeconds?: number },
): string {
  assertKeyspaceName(options.keyspace);
  const ttl = options.ttlSeconds ?? table.defaultTtlSeconds;
  if (ttl !== undefined) assertTtl(table.name, ttl);
  const columns = table.columns.map((c) => `${c.name} ${c.type}`);
  const partition = table.partitionKey.map((c) => c.name).join(', ');
  const key = [`(${partition})`, ...table.clusteringKey.map((c) => c.name)].join(', ');
  const withs: string[] = [];
  if (table.clusteringKey.length > 0) {
    withs.push(`CLUSTERING ORDER BY (${table.clusteringKey.map((c) => `${c.name} ${c.order}`).join(', ')})`);
  }
  if (ttl !== undefined) withs.push(`default_time_to_live = ${ttl}`);
  if (table.comment !== undefined) withs.push(`comment = '${table.comment.replace(/'/g, "''")}'`);
  return [
    `CREATE TABLE IF NOT EXISTS ${options.keyspace}.${table.name} (`,
    `  ${[...columns, `PRIMARY KEY (${key})`].join(',\n  ')}`,
    `)${withs.length > 0 ? ` WITH ${withs.join(' AND ')}` : ''}`,
  ].join('\n');
}
