/**
 * The storage stage's per-record outcomes, with a scripted writer (the real Cassandra, stopped and
 * restarted, is exercised in test/integration/storage/storage-stage.test.ts).
 */
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { storageStage } from '../../../shared/cdr/stages/storage-stage.ts';
import type { CdrRow } from '../../../shared/cdr/storage/cdr-row.ts';
import { toEnrichedCdr } from '../../../shared/cdr/storage/stored-cdr.ts';
import { TransientError } from '../../../shared/runtime/outcome.ts';
import type { RowWriteResult } from '../../../shared/storage/cassandra/row-writer.ts';
import { enrichedRecord, sampleEnrichedCdr } from './enriched-cdr-fixture.ts';

function scriptedWriter(fail: (row: CdrRow) => unknown | undefined = () => undefined) {
  const batches: CdrRow[][] = [];
  return {
    batches,
    writer: {
      async upsertMany(rows: readonly CdrRow[]): Promise<RowWriteResult[]> {
        batches.push([...rows]);
        return rows.map((row) => {
          const error = fail(row);
          return error ? { ok: false, error } : { ok: true };
        });
      },
    },
  };
}

describe('storageStage', () => {
  it('writes valid CDRs and marks them DONE with their event time', async () => {
    const { writer, batches } = scriptedWriter();
    const cdr = sampleEnrichedCdr(1);
    const [result] = await storageStage({ writer }).processBatch([enrichedRecord(cdr)]);
    expect(result).toEqual({ kind: 'done', eventTimeMs: Date.parse(cdr.end_time) });
    expect(batches[0]?.[0]).toMatchObject({
      cdr_id: cdr.cdr_id,
      day: '2026-11-22',
      site_id: 'FR-SITE-0001',
      source_record_id: cdr.source_record_id,
      home_country: 'fr',
    });
    // Every field is a column: the row gives the record back without a JSON copy.
    expect(toEnrichedCdr(batches[0]?.[0] as CdrRow)).toEqual(cdr);
  });

  it('leaves network and subscriber columns empty when the reference data did not know them', async () => {
    const { writer, batches } = scriptedWriter();
    const cdr = sampleEnrichedCdr(4, {
      network: { known: false, site_id: 'unknown', region: 'unknown', technology: 'unknown' },
      subscriber: {
        known: false,
        segment: 'unknown',
        plan: 'unknown',
        payment: 'unknown',
        home_country: 'fr',
        roaming_status: 'home',
      },
      fraud: { score: 45, reasons: ['UNKNOWN_CELL', 'UNKNOWN_HOME_SUBSCRIBER'] },
    });
    await storageStage({ writer }).processBatch([enrichedRecord(cdr)]);
    expect(batches[0]?.[0]).toMatchObject({
      site_id: null,
      technology: null,
      segment: null,
      payment: null,
      roaming_status: 'home',
      fraud_score: 45,
      fraud_reasons: ['UNKNOWN_CELL', 'UNKNOWN_HOME_SUBSCRIBER'],
    });
    expect(toEnrichedCdr(batches[0]?.[0] as CdrRow)).toEqual(cdr);
  });

  it.each([
    ['no bytes', null, 'EMPTY_RECORD'],
    ['not JSON', 'not json {', 'UNPARSEABLE'],
    ['a prototype-polluting key', '{"__proto__": {"x": 1}}', 'FORBIDDEN_KEY'],
    ['not an enriched CDR', { cdr_id: 'x' }, 'SCHEMA_VIOLATION'],
    [
      'a CQL-looking IMSI',
      { ...sampleEnrichedCdr(9), imsi: "1'; DROP TABLE cdr_by_id; --" },
      'SCHEMA_VIOLATION',
    ],
  ])('rejects a record with %s (%s) without writing it', async (_what, value, reason) => {
    const { writer, batches } = scriptedWriter();
    const [result] = await storageStage({ writer }).processBatch([enrichedRecord(value)]);
    expect(result).toMatchObject({ kind: 'reject', reason });
    expect(JSON.stringify(result)).not.toContain('208011234567890');
    expect(batches).toEqual([]);
  });

  it('fails only the records whose write failed, transiently, with a storage code', async () => {
    const bad = sampleEnrichedCdr(2);
    const { writer } = scriptedWriter((row) =>
      row.cdr_id === bad.cdr_id ? new cassandra.errors.NoHostAvailableError({}) : undefined,
    );
    const results = await storageStage({ writer }).processBatch([
      enrichedRecord(sampleEnrichedCdr(1)),
      enrichedRecord(bad),
      enrichedRecord('garbage'),
      enrichedRecord(sampleEnrichedCdr(3)),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['done', 'failed', 'reject', 'done']);
    const failed = results[1] as { kind: 'failed'; error: TransientError };
    expect(failed.error).toBeInstanceOf(TransientError);
    expect(failed.error.code).toBe('STORAGE_UNAVAILABLE');
  });

  it('fails every writable record when the writer cannot be obtained', async () => {
    const stage = storageStage({
      writer: async () => {
        throw new cassandra.errors.NoHostAvailableError({});
      },
    });
    const results = await stage.processBatch([enrichedRecord(sampleEnrichedCdr(1)), enrichedRecord(null)]);
    expect(results.map((r) => r.kind)).toEqual(['failed', 'reject']);
  });

  it('writes a CDR redelivered within one batch once and answers for every copy', async () => {
    const { writer, batches } = scriptedWriter();
    const cdr = sampleEnrichedCdr(5);
    const results = await storageStage({ writer }).processBatch([
      enrichedRecord(cdr, 0),
      enrichedRecord(sampleEnrichedCdr(6), 1),
      enrichedRecord(cdr, 2),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['done', 'done', 'done']);
    expect(batches[0]?.map((r) => r.cdr_id)).toEqual([cdr.cdr_id, sampleEnrichedCdr(6).cdr_id]);
  });
});
