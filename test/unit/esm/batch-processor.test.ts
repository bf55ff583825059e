import { describe, expect, it } from 'vitest';
import {
  type BatchProcessorDeps,
  type ExhaustedRecord,
  type InvocationOutcome,
  processBatch,
} from '../../../localstack/esm/batch-processor.ts';
import type { FetchedRecord } from '../../../localstack/esm/fetched-record.ts';
import { fetched, fetchedRange } from './records.ts';

type Fn = (records: readonly FetchedRecord[]) => Omit<InvocationOutcome, 'requestId'>;

/** Deps with a scripted function; records every invocation and on-failure write. */
function harness(fn: Fn, settings: Partial<BatchProcessorDeps> = {}) {
  const invocations: number[][] = [];
  const onFailure: ExhaustedRecord[] = [];
  let stopping = false;
  const deps: BatchProcessorDeps = {
    maximumRetryAttempts: 2,
    maximumRecordAgeInSeconds: -1,
    bisectBatchOnFunctionError: false,
    reportBatchItemFailures: true,
    invoke: async (records) => {
      invocations.push(records.map((r) => r.offset));
      return { requestId: `req-${invocations.length}`, ...fn(records) };
    },
    sendToOnFailure: async (records) => {
      onFailure.push(...records);
    },
    backoff: async () => {},
    now: Date.now,
    isStopping: () => stopping,
    ...settings,
  };
  return { deps, invocations, onFailure, stop: () => (stopping = true) };
}

const failIds = (offsets: number[]) => (records: readonly FetchedRecord[]) => ({
  response: {
    batchItemFailures: records
      .filter((r) => offsets.includes(r.offset))
      .map((r) => ({ itemIdentifier: { partition: `${r.topic}-${r.partition}`, offset: r.offset } })),
  },
});

describe('processBatch', () => {
  it('invokes once and succeeds every record when the function succeeds', async () => {
    const h = harness(() => ({ response: undefined }));
    const result = await processBatch(fetchedRange(5), h.deps);
    expect(h.invocations).toEqual([[0, 1, 2, 3, 4]]);
    expect(result.succeeded).toHaveLength(5);
  });

  it('partial batch response: retries only the failed records, in offset order, until they succeed', async () => {
    let calls = 0;
    const h = harness((records) =>
      ++calls === 1 ? failIds([1, 3])(records) : { response: { batchItemFailures: [] } },
    );
    const result = await processBatch(fetchedRange(5), h.deps);
    expect(h.invocations).toEqual([
      [0, 1, 2, 3, 4],
      [1, 3],
    ]);
    expect(result.succeeded.map((r) => r.offset).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(result.onFailure).toEqual([]);
  });

  it('a record that keeps failing goes on-failure after MaximumRetryAttempts retries (1 + N invocations)', async () => {
    const h = harness(failIds([2]), { maximumRetryAttempts: 3 });
    const result = await processBatch(fetchedRange(4), h.deps);
    expect(h.invocations).toEqual([[0, 1, 2, 3], [2], [2], [2]]);
    expect(result.onFailure.map((e) => [e.record.offset, e.condition, e.invokeCount])).toEqual([
      [2, 'RetriesExhausted', 4],
    ]);
    expect(result.onFailure[0]!.lastInvocation).toEqual({ requestId: 'req-4' });
  });

  it('MaximumRetryAttempts 0: no retry at all', async () => {
    const h = harness(failIds([0]), { maximumRetryAttempts: 0 });
    const result = await processBatch(fetchedRange(2), h.deps);
    expect(h.invocations).toHaveLength(1);
    expect(result.onFailure).toHaveLength(1);
  });

  it('a thrown error without bisect retries the whole batch, then sends it all on-failure', async () => {
    const h = harness(() => ({ error: new Error('boom') }), { maximumRetryAttempts: 1 });
    const result = await processBatch(fetchedRange(3), h.deps);
    expect(h.invocations).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(result.onFailure.map((e) => e.record.offset)).toEqual([0, 1, 2]);
    expect(result.onFailure[0]!.lastInvocation).toEqual({ requestId: 'req-2', functionError: 'Unhandled' });
  });

  it('an invalid item identifier fails the whole batch', async () => {
    const h = harness(
      () => ({ response: { batchItemFailures: [{ itemIdentifier: { partition: 'other-0', offset: 1 } }] } }),
      {
        maximumRetryAttempts: 0,
      },
    );
    const result = await processBatch(fetchedRange(3), h.deps);
    expect(result.onFailure).toHaveLength(3);
  });

  it('bisect isolates one poison record in a batch of 1 000 in a few invocations', async () => {
    const poison = 637;
    const h = harness(
      (records) =>
        records.some((r) => r.offset === poison) ? { error: new Error('poison') } : { response: undefined },
      { bisectBatchOnFunctionError: true, maximumRetryAttempts: 2 },
    );
    const result = await processBatch(fetchedRange(1000), h.deps);
    expect(result.onFailure.map((e) => e.record.offset)).toEqual([poison]);
    expect(result.succeeded).toHaveLength(999);
    // ~log2(1000) splits, each a failing and a succeeding half, plus the retries of the single record
    expect(h.invocations.length).toBeLessThanOrEqual(2 * 11 + 2);
    // halves run lower offsets first: offsets are invoked in non-decreasing order of first offset
    const firsts = h.invocations.map((i) => i[0]!);
    const succeededOrder = h.invocations.filter((i) => !i.includes(poison)).map((i) => i[0]!);
    expect(succeededOrder).toEqual([...succeededOrder].sort((a, b) => a - b));
    expect(firsts.length).toBe(h.invocations.length);
  });

  it('records older than MaximumRecordAgeInSeconds go on-failure without being invoked', async () => {
    const now = Date.now();
    const records = [fetched(0, { timestamp: now - 120_000 }), fetched(1, { timestamp: now - 1_000 })];
    const h = harness(() => ({ response: undefined }), { maximumRecordAgeInSeconds: 60 });
    const result = await processBatch(records, h.deps);
    expect(h.invocations).toEqual([[1]]);
    expect(result.onFailure.map((e) => [e.record.offset, e.condition, e.invokeCount])).toEqual([
      [0, 'RecordAgeExceeded', 0],
    ]);
  });

  it('a record that ages out while being retried goes on-failure as RecordAgeExceeded', async () => {
    let clock = 1_000_000;
    const records = [fetched(0, { timestamp: clock - 30_000 })];
    const h = harness(() => ({ error: new Error('down') }), {
      maximumRecordAgeInSeconds: 60,
      maximumRetryAttempts: 100,
      now: () => clock,
      backoff: async () => {
        clock += 20_000;
      },
    });
    const result = await processBatch(records, h.deps);
    expect(result.onFailure.map((e) => e.condition)).toEqual(['RecordAgeExceeded']);
    expect(h.invocations.length).toBe(2);
  });

  it('stopping abandons retries: unfinished records are left pending (not committed)', async () => {
    const h = harness((records) => {
      h.stop();
      return failIds([1])(records);
    });
    const result = await processBatch(fetchedRange(3), h.deps);
    expect(result.pending.map((r) => r.offset)).toEqual([1]);
    expect(result.succeeded.map((r) => r.offset)).toEqual([0, 2]);
  });
});
