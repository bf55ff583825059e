/** Cassandra for real: create a keyspace and a table, write and read through cassandra-driver. */
import { afterAll, describe, expect, it } from 'vitest';
import { testCassandra, uniqueName } from '../../support/endpoints.ts';

describe('Cassandra', () => {
  const client = testCassandra();
  const keyspace = uniqueName('it_cassandra');

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await client.shutdown();
  });

  it('creates a keyspace and a table, writes rows and reads them back', async () => {
    await client.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(
      `CREATE TABLE ${keyspace}.cdr_by_id (cdr_id text PRIMARY KEY, duration_s int, started_at timestamp)`,
    );
    const insert = `INSERT INTO ${keyspace}.cdr_by_id (cdr_id, duration_s, started_at) VALUES (?, ?, ?) USING TTL 3600`;
    const startedAt = new Date('2026-03-29T00:59:30.000Z');
    await client.batch(
      [
        { query: insert, params: ['cdr-1', 42, startedAt] },
        { query: insert, params: ['cdr-2', 7, startedAt] },
      ],
      { prepare: true },
    );

    const result = await client.execute(
      `SELECT cdr_id, duration_s, started_at, TTL(duration_s) AS ttl FROM ${keyspace}.cdr_by_id WHERE cdr_id = ?`,
      ['cdr-1'],
      { prepare: true },
    );
    const row = result.first();
    expect(row?.get('cdr_id')).toBe('cdr-1');
    expect(row?.get('duration_s')).toBe(42);
    expect(row?.get('started_at')).toEqual(startedAt);
    expect(row?.get('ttl')).toBeGreaterThan(3500);
    const count = await client.execute(`SELECT COUNT(*) AS n FROM ${keyspace}.cdr_by_id`);
    expect(Number(count.first()?.get('n'))).toBe(2);
  });
});
