/**
 * The Keyspaces footprint of a stored CDR (shared/cdr/storage/footprint.ts): rows of the schema,
 * sizes by AWS's row-size rules, at most 2 write units for the CDRs the pipeline produces.
 */
import { describe, expect, it } from 'vitest';
import { CDR_TABLE, cdrTableDefinitions } from '../../../shared/cdr/storage/cdr-schema.ts';
import {
  cdrRowFootprint,
  storedCdrFootprint,
  summarizeFootprints,
} from '../../../shared/cdr/storage/footprint.ts';
import { toCdrRow } from '../../../shared/cdr/storage/stored-cdr.ts';
import { parseCqlSchema } from '../../../shared/storage/cassandra/cql-schema.ts';
import { keyspacesRowSize } from '../../../shared/storage/cassandra/keyspaces-row-size.ts';
import { sampleEnrichedCdr } from './enriched-cdr-fixture.ts';

const STORED_AT = new Date('2026-11-22T10:00:00.000Z');

describe('storedCdrFootprint', () => {
  it('has one row per CDR table, each under 1 KB: 2 write units per stored CDR', () => {
    const footprint = storedCdrFootprint(sampleEnrichedCdr(1), STORED_AT);
    expect(footprint.rows.map((r) => r.table)).toEqual([CDR_TABLE.bySubscriberDay, CDR_TABLE.byId]);
    for (const row of footprint.rows) expect(row.bytes).toBeLessThan(1024);
    expect(footprint.writeUnits).toBe(2);
  });

  it('sums the rows, and adds 100 bytes of storage metadata per row', () => {
    const footprint = storedCdrFootprint(sampleEnrichedCdr(2), STORED_AT);
    expect(footprint.bytes).toBe(footprint.rows[0]!.bytes + footprint.rows[1]!.bytes);
    expect(footprint.storageBytes).toBe(footprint.bytes + 200);
  });

  it('sizes each row with keyspacesRowSize on its own table (the lookup row counts only its columns)', () => {
    const row = toCdrRow(sampleEnrichedCdr(3), STORED_AT);
    const [full, lookup] = cdrTableDefinitions();
    const footprint = cdrRowFootprint(row);
    expect(footprint.rows[0]).toEqual({ table: full!.name, ...keyspacesRowSize(full!, { ...row }) });
    expect(footprint.rows[1]).toEqual({ table: lookup!.name, ...keyspacesRowSize(lookup!, { ...row }) });
    // cdr_id (36 B) twice + 3 + 1 as the partition key, then imsi, start_time and stored_at with
    // their column id and 8 B of TTL each, and the row's 8 B of TTL.
    expect(footprint.rows[1]!.bytes).toBe(2 * 36 + 3 + 1 + (15 + 1 + 8) + 2 * (8 + 1 + 8) + 8);
  });

  it('grows with the data: a row whose strings pass 1 KB takes a second write unit', () => {
    const cdr = sampleEnrichedCdr(4);
    const big = { ...cdr, subscriber: { ...cdr.subscriber, plan: 'p'.repeat(700) } };
    const footprint = storedCdrFootprint(big, STORED_AT);
    expect(footprint.rows[0]!.bytes).toBeGreaterThan(1024);
    expect(footprint.writeUnits).toBe(3);
    expect(footprint.bytes - storedCdrFootprint(cdr, STORED_AT).bytes).toBe(700 - cdr.subscriber.plan.length);
  });

  it('counts nothing for the columns left unset (unknown cell and subscriber, no fraud reason)', () => {
    const cdr = sampleEnrichedCdr(5);
    const unknown = {
      ...cdr,
      network: { known: false, site_id: 'unknown', region: 'unknown', technology: 'unknown' as const },
    };
    const known = storedCdrFootprint(cdr, STORED_AT).rows[0]!.bytes;
    const withoutNetwork = storedCdrFootprint(unknown, STORED_AT).rows[0]!.bytes;
    const networkBytes = ['FR-SITE-0001', 'Bretagne', '4G'].reduce((n, v) => n + v.length + 1 + 8, 0);
    expect(known - withoutNetwork).toBe(networkBytes);
  });

  it('takes the tables it is given', () => {
    const [table] = parseCqlSchema('CREATE TABLE t (cdr_id text PRIMARY KEY, imsi text)');
    const footprint = cdrRowFootprint(toCdrRow(sampleEnrichedCdr(6), STORED_AT), [table!]);
    expect(footprint).toEqual({
      rows: [{ table: 't', bytes: 2 * 36 + 3 + 1 + 15 + 1, storageBytes: 192, writeUnits: 1 }],
      writeUnits: 1,
      bytes: 92,
      storageBytes: 192,
    });
  });
});

describe('summarizeFootprints', () => {
  it('gives the means and maxima over the CDRs, and the mean bytes per table', () => {
    const cdr = sampleEnrichedCdr(7);
    const a = storedCdrFootprint(cdr, STORED_AT);
    const b = storedCdrFootprint(
      { ...cdr, subscriber: { ...cdr.subscriber, plan: 'p'.repeat(700) } },
      STORED_AT,
    );
    const summary = summarizeFootprints([a, b]);
    expect(summary).toMatchObject({
      cdrs: 2,
      meanWriteUnits: 2.5,
      maxWriteUnits: 3,
      meanBytes: (a.bytes + b.bytes) / 2,
      maxBytes: b.bytes,
      meanStorageBytes: (a.storageBytes + b.storageBytes) / 2,
    });
    expect(summary.meanBytesByTable[CDR_TABLE.byId]).toBe(a.rows[1]!.bytes);
    expect(summary.meanBytesByTable[CDR_TABLE.bySubscriberDay]).toBe(
      (a.rows[0]!.bytes + b.rows[0]!.bytes) / 2,
    );
  });

  it('refuses an empty list', () => {
    expect(() => summarizeFootprints([])).toThrow(RangeError);
  });
});
