import { describe, expect, it } from 'vitest';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import { failSettled, planBatch, settleBatch } from '../../../shared/runtime/batch-plan.ts';
import { DONE, fanOut, forward, reject, TransientError } from '../../../shared/runtime/outcome.ts';
import type { RecordResult } from '../../../shared/runtime/stage.ts';

const rec = (partition: number, offset: number): StageRecord => ({
  topic: 't',
  partition,
  offset,
  timestamp: 0,
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`v${offset}`),
  headers: {},
});
const fwd = (eventTimeMs?: number) =>
  forward('out', 'k', 'v', eventTimeMs === undefined ? {} : { eventTimeMs });
const failed = (code: string): RecordResult => ({ kind: 'failed', error: new TransientError(code, 'x') });

describe('planBatch / settleBatch', () => {
  // Partition 0 in reverse event order on purpose: the plan sorts by offset.
  const records = [rec(0, 12), rec(0, 11), rec(0, 10), rec(1, 5), rec(1, 6), rec(2, 1)];
  const results: RecordResult[] = [
    fwd(1_000), // 0@12: after the failure at 11 → held back
    failed('STORAGE_UNAVAILABLE'), // 0@11
    reject('UNPARSEABLE', 'bad'), // 0@10
    fwd(2_000), // 1@5
    { ...DONE, eventTimeMs: 3_000 }, // 1@6
    failed('THROTTLED'), // 2@1
  ];
  const plan = planBatch(records, results, { stage: 'validation', rejectTopic: 'cdr.rejected', now: 50 });

  it('produces only what precedes the first failure of each partition, in batch order', () => {
    expect(plan.outbound.map((o) => [o.topic, String(o.value)])).toEqual([
      ['cdr.rejected', 'v10'],
      ['out', 'v'],
    ]);
  });

  it('after a successful produce: counts, failure codes, pipeline ages and identifiers', () => {
    const s = settleBatch(plan, true, 10_000);
    expect(s).toEqual({
      failures: [
        { partition: 't-0', offset: 11 },
        { partition: 't-0', offset: 12 },
        { partition: 't-2', offset: 1 },
      ],
      settled: [2, 3, 4],
      forwarded: 1,
      rejectedByReason: { UNPARSEABLE: 1 },
      failed: 2,
      heldBack: 1,
      failureCodes: { STORAGE_UNAVAILABLE: 1, THROTTLED: 1 },
      pipelineAgesMs: [8_000, 7_000],
    });
  });

  it('after a failed produce: every record with an unconfirmed output fails; earlier DONE records stay done', () => {
    const p = planBatch(
      [rec(0, 1), rec(0, 2), rec(0, 3)],
      [{ ...DONE, eventTimeMs: 0 }, fwd(), { ...DONE }],
      {
        stage: 'storage',
        rejectTopic: 'cdr.rejected',
        now: 0,
      },
    );
    const s = settleBatch(p, false, 10);
    expect(s.failures).toEqual([
      { partition: 't-0', offset: 2 },
      { partition: 't-0', offset: 3 },
    ]);
    expect(s).toMatchObject({
      forwarded: 0,
      failed: 1,
      heldBack: 1,
      failureCodes: { PRODUCE_FAILED: 1 },
      pipelineAgesMs: [10],
    });
  });

  it('refuses a result count that does not match the records', () => {
    expect(() =>
      planBatch([rec(0, 1)], [], { stage: 'validation', rejectTopic: 'cdr.rejected', now: 0 }),
    ).toThrow(/0 results for 1 records/);
  });

  it('a fan-out produces each of its outputs, in order; an empty fan-out produces nothing and counts as done', () => {
    const p = planBatch(
      [rec(0, 1), rec(0, 2)],
      [fanOut([forward('a', 'k', 'x'), forward('b', 'k', 'y')], { eventTimeMs: 5 }), fanOut([])],
      { stage: 'fraud', rejectTopic: 'r', now: 0 },
    );
    expect(p.outbound.map((o) => [o.topic, String(o.value)])).toEqual([
      ['a', 'x'],
      ['b', 'y'],
    ]);
    const s = settleBatch(p, true, 10);
    expect(s).toMatchObject({ failures: [], settled: [0, 1], forwarded: 1, pipelineAgesMs: [5] });
    // A failed produce fails the fan-out with outputs, not the empty one before it… nor after it.
    expect(settleBatch(p, false, 10).failures).toEqual([
      { partition: 't-0', offset: 1 },
      { partition: 't-0', offset: 2 },
    ]);
  });

  it('failSettled reports every record of the batch and counts the settled ones as failed', () => {
    const s = failSettled(plan, settleBatch(plan, true, 10_000), new TransientError('STATE_CONFLICT', 'x'));
    expect(s.failures).toHaveLength(records.length);
    expect(s).toMatchObject({
      settled: [],
      forwarded: 0,
      rejectedByReason: {},
      failed: 5,
      heldBack: 1,
      failureCodes: { STORAGE_UNAVAILABLE: 1, THROTTLED: 1, STATE_CONFLICT: 3 },
    });
  });
});
