/** The Keyspaces row-size estimate, on rows worked out by hand from the AWS guide's rules. */
import { describe, expect, it } from 'vitest';
import { parseCqlSchema } from '../../../shared/storage/cassandra/cql-schema.ts';
import { columnIdBytes, keyspacesRowSize } from '../../../shared/storage/cassandra/keyspaces-row-size.ts';

const table = (cql: string) => {
  const [t] = parseCqlSchema(cql);
  if (!t) throw new Error('no table');
  return t;
};

describe('keyspacesRowSize', () => {
  it('counts a partition key twice plus 3 bytes, a regular column once, each with its column id', () => {
    // id: 2 × 1 + 3 + 1; v: 5 + 1
    expect(
      keyspacesRowSize(table('CREATE TABLE t (id text PRIMARY KEY, v text)'), { id: 'a', v: 'hello' }),
    ).toEqual({ bytes: 12, storageBytes: 112, writeUnits: 1 });
  });

  it('adds 1 byte per 5 bytes of a clustering value, and sizes integers by significant digits', () => {
    const t = table('CREATE TABLE t (pk int, ck text, v int, PRIMARY KEY (pk, ck))');
    // pk 1 → 2 bytes: 2 × 2 + 3 + 1 = 8; ck 10 bytes: 2 × 10 + 2 + 1 = 23; v 12345 → 4 bytes + 1 = 5
    expect(keyspacesRowSize(t, { pk: 1, ck: 'abcdefghij', v: 12_345 }).bytes).toBe(36);
    // trailing zeros trimmed: 1200 → "12" → 2 bytes + 1 = 3
    expect(keyspacesRowSize(t, { pk: 1, ck: 'abcdefghij', v: 1_200 }).bytes).toBe(34);
  });

  it('counts UTF-8 bytes of text, not characters', () => {
    const t = table('CREATE TABLE t (id text PRIMARY KEY, v text)');
    expect(
      keyspacesRowSize(t, { id: 'a', v: 'é€' }).bytes - keyspacesRowSize(t, { id: 'a', v: 'ab' }).bytes,
    ).toBe(3);
  });

  it('counts nothing for an unset column and refuses a row without its key', () => {
    const t = table('CREATE TABLE t (id text PRIMARY KEY, v text, w timestamp)');
    expect(keyspacesRowSize(t, { id: 'a', v: null }).bytes).toBe(6);
    expect(keyspacesRowSize(t, { id: 'a', w: new Date() }).bytes).toBe(6 + 9);
    expect(() => keyspacesRowSize(t, { v: 'x' })).toThrow(/key column id/);
  });

  it('adds TTL metadata (8 bytes per row and per written column) when the table has a default TTL', () => {
    const plain = table('CREATE TABLE t (id text PRIMARY KEY, v text, w text)');
    const ttl = table('CREATE TABLE t (id text PRIMARY KEY, v text, w text) WITH default_time_to_live = 60');
    const row = { id: 'a', v: 'x', w: null };
    expect(keyspacesRowSize(ttl, row).bytes - keyspacesRowSize(plain, row).bytes).toBe(16);
    expect(keyspacesRowSize(ttl, row, { ttl: false }).bytes).toBe(keyspacesRowSize(plain, row).bytes);
  });

  it('sizes a collection as 3 bytes plus each element and 1 byte per element', () => {
    const t = table('CREATE TABLE t (id text PRIMARY KEY, tags frozen<list<text>>, m map<text, int>)');
    expect(keyspacesRowSize(t, { id: 'a', tags: ['ab', 'c'] }).bytes).toBe(6 + 8 + 1);
    expect(keyspacesRowSize(t, { id: 'a', m: { k: 7 } }).bytes).toBe(6 + 3 + 1 + 2 + 1 + 1);
  });

  it('takes one more write unit per started KB', () => {
    const t = table('CREATE TABLE t (id text PRIMARY KEY, v text)');
    const withText = (n: number) => keyspacesRowSize(t, { id: 'a', v: 'x'.repeat(n) });
    expect(withText(1024 - 7)).toMatchObject({ bytes: 1024, writeUnits: 1 });
    expect(withText(1024 - 6)).toMatchObject({ bytes: 1025, writeUnits: 2 });
  });

  it('refuses a type it has no rule for', () => {
    const t = {
      ...table('CREATE TABLE t (id text PRIMARY KEY, v text)'),
      regularColumns: [{ name: 'v', type: 'vector<float, 3>' }],
    };
    expect(() => keyspacesRowSize(t, { id: 'a', v: [1, 2, 3] })).toThrow(/no size rule/);
  });
});

describe('columnIdBytes', () => {
  it.each([
    [1, 1],
    [62, 1],
    [63, 2],
    [124, 2],
    [125, 3],
    [186, 3],
    [187, 4],
  ])('%i columns → %i byte(s)', (columns, bytes) => {
    expect(columnIdBytes(columns)).toBe(bytes);
  });
});
