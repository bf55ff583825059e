import { describe, expect, it } from 'vitest';
import { keyspacesTableSpec } from '../../../lib/storage/keyspaces-table-spec.ts';
import { CDR_COLUMNS, CDR_LOOKUP_COLUMNS } from '../../../shared/cdr/storage/cdr-row.ts';
import { CDR_TABLE, cdrTableDefinitions } from '../../../shared/cdr/storage/cdr-schema.ts';
import { parseCqlSchema } from '../../../shared/storage/cassandra/cql-schema.ts';
import { createTableCql } from '../../../shared/storage/cassandra/create-table-cql.ts';

describe('schema.cql (the one CQL source)', () => {
  const tables = cdrTableDefinitions();
  const byName = new Map(tables.map((t) => [t.name, t]));

  it('declares exactly the two query tables', () => {
    expect(tables.map((t) => t.name).sort()).toEqual(Object.values(CDR_TABLE).sort());
  });

  it('never reuses the names of the reshaped tables (older commits and stacks still write them)', () => {
    for (const retired of ['cdr_by_subscriber_day', 'cdr_by_id']) expect(byName.has(retired)).toBe(false);
  });

  it('keys cdr_by_subscriber_day_v2 by (imsi, day), newest event first, then cdr_id', () => {
    const t = byName.get(CDR_TABLE.bySubscriberDay);
    expect(t?.partitionKey.map((c) => `${c.name}:${c.type}`)).toEqual(['imsi:text', 'day:date']);
    expect(t?.clusteringKey.map((c) => `${c.name}:${c.order}`)).toEqual(['start_time:DESC', 'cdr_id:ASC']);
  });

  it('keys cdr_lookup_by_id by cdr_id alone', () => {
    const t = byName.get(CDR_TABLE.byId);
    expect(t?.partitionKey.map((c) => c.name)).toEqual(['cdr_id']);
    expect(t?.clusteringKey).toEqual([]);
  });

  it('gives every table a 90-day default TTL', () => {
    for (const t of tables) expect(t.defaultTtlSeconds).toBe(90 * 86_400);
  });

  it('has the columns the repository binds: every column in the full row, the full key and stored_at in the lookup row', () => {
    const full = byName.get(CDR_TABLE.bySubscriberDay);
    const lookup = byName.get(CDR_TABLE.byId);
    expect(full?.columns.map((c) => c.name)).toEqual([...CDR_COLUMNS]);
    expect(lookup?.columns.map((c) => c.name)).toEqual([...CDR_LOOKUP_COLUMNS]);
    // The lookup row leads to the full row: its key columns minus `day` (the UTC day of start_time).
    const fullKey = [...(full?.partitionKey ?? []), ...(full?.clusteringKey ?? [])].map((c) => c.name);
    expect(
      fullKey.filter((c) => c !== 'day').every((c) => (CDR_LOOKUP_COLUMNS as readonly string[]).includes(c)),
    ).toBe(true);
    for (const column of lookup?.columns ?? []) {
      expect(full?.columns.find((c) => c.name === column.name)?.type).toBe(column.type);
    }
  });

  it('keeps no JSON copy of the record', () => {
    for (const t of tables) expect(t.columns.map((c) => c.name)).not.toContain('payload');
  });

  it('renders CREATE TABLE that parses back to the same definition (with a TTL override)', () => {
    for (const t of tables) {
      const cql = createTableCql(t, { keyspace: 'orion', ttlSeconds: 3600 });
      expect(cql).toContain(`CREATE TABLE IF NOT EXISTS orion.${t.name}`);
      const [again] = parseCqlSchema(cql.replace(`orion.${t.name}`, t.name));
      expect(again).toEqual({ ...t, defaultTtlSeconds: 3600 });
    }
  });

  it('maps to AWS::Cassandra::Table schema properties', () => {
    const t = byName.get(CDR_TABLE.bySubscriberDay);
    if (!t) throw new Error('missing table');
    const spec = keyspacesTableSpec(t, { keyspaceName: 'orion' });
    expect(spec.tableName).toBe('cdr_by_subscriber_day_v2');
    expect(spec.partitionKeyColumns).toEqual([
      { columnName: 'imsi', columnType: 'text' },
      { columnName: 'day', columnType: 'date' },
    ]);
    expect(spec.clusteringKeyColumns).toEqual([
      { column: { columnName: 'start_time', columnType: 'timestamp' }, orderBy: 'DESC' },
      { column: { columnName: 'cdr_id', columnType: 'text' }, orderBy: 'ASC' },
    ]);
    expect(spec.regularColumns).toHaveLength(t.columns.length - 4);
    expect(spec.regularColumns).toContainEqual({
      columnName: 'fraud_reasons',
      columnType: 'frozen<list<text>>',
    });
    expect(spec.defaultTimeToLive).toBe(7_776_000);
    expect(keyspacesTableSpec(t, { keyspaceName: 'orion', ttlSeconds: 0 }).defaultTimeToLive).toBeUndefined();
  });
});
