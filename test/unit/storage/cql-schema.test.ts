import { describe, expect, it } from 'vitest';
import { KEYSPACES_MAX_TTL_SECONDS, parseCqlSchema } from '../../../shared/storage/cassandra/cql-schema.ts';
import { CqlSchemaError } from '../../../shared/storage/errors.ts';

const codeOf = (source: string): string | undefined => {
  try {
    parseCqlSchema(source);
    return undefined;
  } catch (error) {
    return error instanceof CqlSchemaError ? error.code : `not a CqlSchemaError: ${String(error)}`;
  }
};

describe('parseCqlSchema', () => {
  it('reads columns, composite partition key, clustering order and TTL', () => {
    const [table] = parseCqlSchema(`
      -- comment with a ; semicolon
      CREATE TABLE IF NOT EXISTS t1 (
        a text, b date, c timestamp, /* block
        comment */ d text, v frozen<list<text>>, m map<text, int>,
        PRIMARY KEY ((a, b), c, d)
      ) WITH CLUSTERING ORDER BY (c DESC, d ASC) AND default_time_to_live = 86400 AND comment = 'it''s AND fine';
    `);
    expect(table).toEqual({
      name: 't1',
      columns: [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'date' },
        { name: 'c', type: 'timestamp' },
        { name: 'd', type: 'text' },
        { name: 'v', type: 'frozen<list<text>>' },
        { name: 'm', type: 'map<text, int>' },
      ],
      partitionKey: [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'date' },
      ],
      clusteringKey: [
        { name: 'c', type: 'timestamp', order: 'DESC' },
        { name: 'd', type: 'text', order: 'ASC' },
      ],
      regularColumns: [
        { name: 'v', type: 'frozen<list<text>>' },
        { name: 'm', type: 'map<text, int>' },
      ],
      defaultTtlSeconds: 86400,
      comment: "it's AND fine",
    });
  });

  it('reads an inline primary key and defaults clustering order to ASC', () => {
    const [a, b] = parseCqlSchema(
      'create table a (id text primary key, n int); CREATE TABLE b (p int, c int, x text, PRIMARY KEY (p, c));',
    );
    expect(a?.partitionKey).toEqual([{ name: 'id', type: 'text' }]);
    expect(a?.clusteringKey).toEqual([]);
    expect(a?.defaultTtlSeconds).toBeUndefined();
    expect(b?.partitionKey.map((c) => c.name)).toEqual(['p']);
    expect(b?.clusteringKey).toEqual([{ name: 'c', type: 'int', order: 'ASC' }]);
  });

  it.each([
    ['CREATE INDEX i ON t (v);', 'UNSUPPORTED_STATEMENT'],
    ['CREATE MATERIALIZED VIEW mv AS SELECT * FROM t;', 'UNSUPPORTED_STATEMENT'],
    ['CREATE KEYSPACE k WITH replication = {};', 'UNSUPPORTED_STATEMENT'],
    ['CREATE TABLE t (id text PRIMARY KEY, n whatever);', 'UNSUPPORTED_TYPE'],
    ['CREATE TABLE t (id text PRIMARY KEY, hits counter, name text);', 'UNSUPPORTED_FEATURE'],
    [
      'CREATE TABLE t (id text PRIMARY KEY, hits counter) WITH default_time_to_live = 10;',
      'UNSUPPORTED_FEATURE',
    ],
    ['CREATE TABLE t (id list<text> PRIMARY KEY);', 'UNSUPPORTED_FEATURE'],
    ['CREATE TABLE t ("Id" text PRIMARY KEY);', 'UNSUPPORTED_FEATURE'],
    ['CREATE TABLE ks.t (id text PRIMARY KEY);', 'SYNTAX'],
    ['CREATE TABLE t (id text, v int);', 'SYNTAX'],
    ['CREATE TABLE t (id text, PRIMARY KEY (nope));', 'SYNTAX'],
    ['CREATE TABLE t (p int, c int, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (x DESC);', 'SYNTAX'],
    ['CREATE TABLE t (id text PRIMARY KEY) WITH compaction = {};', 'UNSUPPORTED_OPTION'],
    [
      `CREATE TABLE t (id text PRIMARY KEY) WITH default_time_to_live = ${KEYSPACES_MAX_TTL_SECONDS + 1};`,
      'UNSUPPORTED_OPTION',
    ],
    ['CREATE TABLE t (id text PRIMARY KEY); CREATE TABLE t (id text PRIMARY KEY);', 'DUPLICATE_TABLE'],
    ['CREATE TABLE t (id text PRIMARY KEY', 'SYNTAX'],
  ])('refuses %s with %s', (source, code) => {
    expect(codeOf(source)).toBe(code);
  });
});
