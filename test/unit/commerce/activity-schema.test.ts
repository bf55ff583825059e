import { describe, expect, it } from 'vitest';
import { keyspacesTableSpec } from '../../../lib/storage/keyspaces-table-spec.ts';
import { ACTIVITY_COLUMNS } from '../../../shared/commerce/storage/activity-row.ts';
import {
  ACTIVITY_STORE,
  ACTIVITY_TABLE,
  activityTableDefinitions,
} from '../../../shared/commerce/storage/activity-schema.ts';
import { parseCqlSchema } from '../../../shared/storage/cassandra/cql-schema.ts';
import { createTableCql } from '../../../shared/storage/cassandra/create-table-cql.ts';

describe('commerce schema.cql (the one CQL source of activity storage)', () => {
  const tables = activityTableDefinitions();
  const table = tables.find((t) => t.name === ACTIVITY_TABLE.byUserDay);

  it('declares exactly the tables ACTIVITY_TABLE names, and the store serves them', () => {
    expect(tables.map((t) => t.name).sort()).toEqual(Object.values(ACTIVITY_TABLE).sort());
    expect(ACTIVITY_STORE.tables).toBe(tables);
  });

  it('keys activity_by_user_day by (user_id, day), newest event first, then event_id', () => {
    expect(table?.partitionKey.map((c) => `${c.name}:${c.type}`)).toEqual(['user_id:text', 'day:date']);
    expect(table?.clusteringKey.map((c) => `${c.name}:${c.type}:${c.order}`)).toEqual([
      'event_time:timestamp:DESC',
      'event_id:text:ASC',
    ]);
  });

  it('has exactly the columns the repository binds', () => {
    expect(table?.columns.map((c) => c.name).sort()).toEqual([...ACTIVITY_COLUMNS].sort());
  });

  it('gives the table a 90-day default TTL', () => {
    expect(table?.defaultTtlSeconds).toBe(90 * 86_400);
  });

  it('renders CREATE TABLE that parses back to the same definition', () => {
    if (!table) throw new Error('missing table');
    const cql = createTableCql(table, { keyspace: 'orion_commerce' });
    const [again] = parseCqlSchema(cql.replace(`orion_commerce.${table.name}`, table.name));
    expect(again).toEqual(table);
  });

  it('maps to AWS::Cassandra::Table schema properties', () => {
    if (!table) throw new Error('missing table');
    const spec = keyspacesTableSpec(table, { keyspaceName: 'orion_dev_commerce' });
    expect(spec.partitionKeyColumns).toEqual([
      { columnName: 'user_id', columnType: 'text' },
      { columnName: 'day', columnType: 'date' },
    ]);
    expect(spec.clusteringKeyColumns).toEqual([
      { column: { columnName: 'event_time', columnType: 'timestamp' }, orderBy: 'DESC' },
      { column: { columnName: 'event_id', columnType: 'text' }, orderBy: 'ASC' },
    ]);
    expect(spec.regularColumns).toHaveLength(table.columns.length - 4);
    expect(spec.defaultTimeToLive).toBe(7_776_000);
  });
});
