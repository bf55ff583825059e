/**
 * The DynamoDB Streams error handling on the shared batch processor: whole-batch retries, bisect
 * (free of the retry quota), partial responses (retry from the lowest reported sequence number),
 * record age, and what the on-failure record and the checkpoint say afterwards.
 */
import { describe, expect, it } from 'vitest';
import {
  type BatchProcessorDeps,
  type ExhaustedRecord,
  type InvocationOutcome,
  processBatch,
} from '../../../localstack/esm/batch-processor.ts';
import { streamBatchVerdict } from '../../../localstack/esm/dynamodb-streams/batch-response.ts';
import { type ShardRecord, toShardRecord } from '../../../localstack/esm/dynamodb-streams/event.ts';
import { buildStreamOnFailureRecord } from '../../../localstack/esm/dynamodb-streams/on-failure-record.ts';
import { ShardProgress } from '../../../localstack/esm/dynamodb-streams/shard-progress.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/orders_outbox/stream/2026-01-01T00:00:00.000';
const T0 = Date.parse('2026-01-01T10:00:00Z');

/** Records with sequence numbers 100, 101, … of shard `shardId-1`, written at T0. */
function records(count: number, readAt = T0): ShardRecord[] {
  return Array.from({ length: count }, (_, i) =>
    toShardRecord(
      {
        eventName: 'INSERT',
        dynamodb: {
          ApproximateCreationDateTime: new Date(T0),
          Keys: { id: { S: `o-${i}` } },
          SequenceNumber: String(100 + i),
        },
      },
      { streamArn: ARN, shardId: 'shardId-1', readAt },
    ),
  );
}

type Fn = (batch: readonly ShardRecord[]) => Omit<InvocationOutcome, 'requestId'>;

/** Stream-semantics deps around a scripted function; the checkpoint follows settled records. */
function harness(fn: Fn, settings: Partial<BatchProcessorDeps<ShardRecord>> = {}) {
  const invocations: string[][] = [];
  const onFailure: ExhaustedRecord<ShardRecord>[][] = [];
  const progress = new ShardProgress();
  const checkpoints: string[] = [];
  let now = T0 + 1000;
  const deps: BatchProcessorDeps<ShardRecord> = {
    maximumRetryAttempts: 2,
    maximumRecordAgeInSeconds: 86_400,
    bisectBatchOnFunctionError: false,
    reportBatchItemFailures: true,
    readResponse: (response, invoked) => streamBatchVerdict(response, invoked, true),
    invoke: async (batch) => {
      invocations.push(batch.map((r) => r.id));
      return { requestId: `req-${invocations.length}`, ...fn(batch) };
    },
    sendToOnFailure: async (exhausted) => {
      onFailure.push([...exhausted]);
    },
    onSettled: (settled) => {
      if (progress.settle(settled.map((r) => r.id))) checkpoints.push(progress.checkpoint!);
    },
    backoff: async () => {
      now += 10;
    },
    now: () => now,
    isStopping: () => false,
    ...settings,
  };
  return { deps, invocations, onFailure, progress, checkpoints, advance: (ms: number) => (now += ms) };
}

const fail = (): Omit<InvocationOutcome, 'requestId'> => ({ error: new Error('boom') });
const failAt = (seq: string) => () => ({ response: { batchItemFailures: [{ itemIdentifier: seq }] } });

describe('DynamoDB Streams batch processing', () => {
  it('a function error retries the whole batch until MaximumRetryAttempts, then discards it as one batch', async () => {
    const h = harness(fail, { maximumRetryAttempts: 2 });
    const batch = records(4);
    h.progress.track(batch.map((r) => r.id));
    const result = await processBatch(batch, h.deps);
    expect(h.invocations).toEqual([
      ['100', '101', '102', '103'],
      ['100', '101', '102', '103'],
      ['100', '101', '102', '103'],
    ]);
    expect(result.onFailure.map((e) => e.condition)).toEqual(Array(4).fill('RetriesExhausted'));
    expect(h.onFailure).toHaveLength(1);
    // Discarded records are done: the checkpoint moves past them and the shard goes on.
    expect(h.progress.checkpoint).toBe('103');
  });

  it('bisect on a function error: halves in order, down to the bad record, splits not counted as retries', async () => {
    const h = harness((batch) => (batch.some((r) => r.id === '105') ? fail() : { response: null }), {
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 1,
    });
    const batch = records(8);
    h.progress.track(batch.map((r) => r.id));
    const result = await processBatch(batch, h.deps);
    expect(h.invocations).toEqual([
      ['100', '101', '102', '103', '104', '105', '106', '107'],
      ['100', '101', '102', '103'],
      ['104', '105', '106', '107'],
      ['104', '105'],
      ['104'],
      ['105'],
      ['105'], // its one retry: three splits before it cost nothing
      ['106', '107'],
    ]);
    expect(result.onFailure.map((e) => [e.record.id, e.invokeCount])).toEqual([['105', 5]]);
    expect(result.succeeded.map((r) => r.id)).toEqual(['100', '101', '102', '103', '104', '106', '107']);
    expect(h.checkpoints).toEqual(['103', '104', '105', '107']);
  });

  it('a partial response: records before the lowest failure are done, it and the rest are retried', async () => {
    let call = 0;
    const h = harness(() => (++call === 1 ? failAt('102')() : { response: { batchItemFailures: [] } }));
    const batch = records(5);
    h.progress.track(batch.map((r) => r.id));
    await processBatch(batch, h.deps);
    expect(h.invocations).toEqual([
      ['100', '101', '102', '103', '104'],
      ['102', '103', '104'],
    ]);
    expect(h.checkpoints).toEqual(['101', '104']);
  });

  it('a partial response that keeps failing counts retries and discards from the failed record on', async () => {
    const h = harness(failAt('103'), { maximumRetryAttempts: 1 });
    const batch = records(5);
    const result = await processBatch(batch, h.deps);
    expect(h.invocations).toEqual([
      ['100', '101', '102', '103', '104'],
      ['103', '104'],
    ]);
    expect(result.onFailure.map((e) => e.record.id)).toEqual(['103', '104']);
  });

  it('bisect + partial response: retries only the records from the returned sequence number', async () => {
    let call = 0;
    const h = harness(() => (++call === 1 ? failAt('103')() : { response: null }), {
      bisectBatchOnFunctionError: true,
    });
    await processBatch(records(6), h.deps);
    expect(h.invocations).toEqual([
      ['100', '101', '102', '103', '104', '105'],
      ['103', '104', '105'],
    ]);
  });

  it('an invalid response is a complete failure (retried whole)', async () => {
    let call = 0;
    const h = harness(() =>
      ++call === 1 ? { response: { batchItemFailures: [{ itemIdentifier: '' }] } } : { response: null },
    );
    await processBatch(records(3), h.deps);
    expect(h.invocations).toEqual([
      ['100', '101', '102'],
      ['100', '101', '102'],
    ]);
  });

  it('records older than MaximumRecordAgeInSeconds are discarded without being invoked', async () => {
    const h = harness(() => ({ response: null }), { maximumRecordAgeInSeconds: 60 });
    h.advance(61_000);
    const result = await processBatch(records(3), h.deps);
    expect(h.invocations).toEqual([]);
    expect(result.onFailure.map((e) => [e.record.id, e.condition, e.invokeCount])).toEqual([
      ['100', 'RecordAgeExceeded', 0],
      ['101', 'RecordAgeExceeded', 0],
      ['102', 'RecordAgeExceeded', 0],
    ]);
  });

  it('a record that ages out while its batch is retried is discarded for age, after its last invocation', async () => {
    const h = harness(fail, { maximumRecordAgeInSeconds: 60, maximumRetryAttempts: 10 });
    const deps = {
      ...h.deps,
      backoff: async () => {
        h.advance(25_000);
      },
    };
    const result = await processBatch(records(2), deps);
    expect(h.invocations).toHaveLength(3); // t+1 s, +26 s, +51 s; at +76 s the records are too old
    expect(result.onFailure.map((e) => e.condition)).toEqual(['RecordAgeExceeded', 'RecordAgeExceeded']);
  });
});

describe('buildStreamOnFailureRecord (services-dynamodb-errors example)', () => {
  it('describes the discarded batch, not its data', async () => {
    const h = harness(fail, { maximumRetryAttempts: 1 });
    const result = await processBatch(records(3), h.deps);
    const doc = buildStreamOnFailureRecord(result.onFailure, {
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:outbox-publisher',
      streamArn: ARN,
      now: new Date('2026-01-01T10:05:00.123Z'),
    });
    expect(doc).toEqual({
      requestContext: {
        requestId: 'req-2',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:outbox-publisher',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 2,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-01T10:05:00.123Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: '100',
        endSequenceNumber: '102',
        approximateArrivalOfFirstRecord: '2026-01-01T10:00:00Z',
        approximateArrivalOfLastRecord: '2026-01-01T10:00:00Z',
        batchSize: 3,
        streamArn: ARN,
      },
    });
    expect(JSON.stringify(doc)).not.toContain('o-1');
  });

  it('records discarded for age before any invocation: RecordAgeExceeded, no function error, zero invocations', async () => {
    const h = harness(() => ({ response: null }), { maximumRecordAgeInSeconds: 60 });
    h.advance(120_000);
    const result = await processBatch(records(2), h.deps);
    const doc = buildStreamOnFailureRecord(result.onFailure, {
      functionArn: 'f',
      streamArn: ARN,
      now: new Date(),
    });
    expect(doc.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
    expect(doc.responseContext).not.toHaveProperty('functionError');
  });
});

describe('ShardProgress (checkpoint)', () => {
  it('moves only past records with everything before them done', () => {
    const p = new ShardProgress('99');
    p.track(['100', '101', '102', '103']);
    expect(p.settle(['101', '103'])).toBe(false);
    expect(p.checkpoint).toBe('99');
    expect(p.settle(['100'])).toBe(true);
    expect(p.checkpoint).toBe('101');
    p.settle(['102']);
    expect(p.checkpoint).toBe('103');
    expect(p.pending).toBe(0);
  });
});
