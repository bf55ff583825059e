import { describe, expect, it } from 'vitest';
import {
  type BatchReadiness,
  batchDueAt,
  batchLength,
  laneOf,
} from '../../../localstack/esm/dynamodb-streams/batching.ts';
import { eventBytes } from '../../../localstack/esm/dynamodb-streams/event.ts';
import { MAX_INVOCATION_PAYLOAD_BYTES } from '../../../localstack/esm/payload-size.ts';

const sized = (n: number, bytes: number) => Array.from({ length: n }, () => ({ jsonBytes: bytes }));

describe('batchLength (BatchSize and the 6 MB payload)', () => {
  it('takes at most BatchSize records', () => {
    expect(batchLength(sized(250, 1000), 100)).toBe(100);
    expect(batchLength(sized(7, 1000), 100)).toBe(7);
  });

  it('cuts before the record that would take the event over 6 MB, the event staying within it', () => {
    const records = sized(20, 400 * 1024);
    const n = batchLength(records, 10_000);
    expect(eventBytes(records.slice(0, n))).toBeLessThanOrEqual(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(eventBytes(records.slice(0, n + 1))).toBeGreaterThan(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(n).toBe(15);
  });

  it('a record larger than the limit still goes, alone', () => {
    expect(batchLength(sized(3, MAX_INVOCATION_PAYLOAD_BYTES + 1), 100)).toBe(1);
  });
});

describe('batchDueAt (batching window)', () => {
  const lane = (over: Partial<BatchReadiness> = {}): BatchReadiness => ({
    waiting: 3,
    waitingBytes: 3000,
    oldestReadAt: 10_000,
    previousCompletedAt: Number.NEGATIVE_INFINITY,
    shardEnded: false,
    ...over,
  });

  it('window 0 (the streams default): as soon as records are read', () => {
    expect(batchDueAt(lane(), { batchSize: 100, windowMs: 0 })).toBe(10_000);
  });

  it('with a window: its end, counted from the oldest waiting record', () => {
    expect(batchDueAt(lane(), { batchSize: 100, windowMs: 2000 })).toBe(12_000);
  });

  it('the next window begins when the previous invocation completed, not before', () => {
    expect(batchDueAt(lane({ previousCompletedAt: 11_000 }), { batchSize: 100, windowMs: 2000 })).toBe(
      13_000,
    );
  });

  it('a full batch or 6 MB waiting: at once, whatever the window', () => {
    expect(batchDueAt(lane({ waiting: 100 }), { batchSize: 100, windowMs: 300_000 })).toBe(
      Number.NEGATIVE_INFINITY,
    );
    expect(
      batchDueAt(lane({ waitingBytes: MAX_INVOCATION_PAYLOAD_BYTES }), { batchSize: 100, windowMs: 300_000 }),
    ).toBe(Number.NEGATIVE_INFINITY);
  });

  it('a closed shard read to its end: no reason to wait', () => {
    expect(batchDueAt(lane({ shardEnded: true }), { batchSize: 100, windowMs: 60_000 })).toBe(10_000);
  });

  it('nothing waiting: never', () => {
    expect(batchDueAt(lane({ waiting: 0 }), { batchSize: 100, windowMs: 0 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('laneOf (ParallelizationFactor, same-item order)', () => {
  it('one lane for factor 1; a stable lane per item key; items spread over the lanes', () => {
    expect(laneOf('{"id":{"S":"a"}}', 1)).toBe(0);
    const keys = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: { S: `item-${i}` } }));
    for (const key of keys) expect(laneOf(key, 4)).toBe(laneOf(key, 4));
    const used = new Set(keys.map((k) => laneOf(k, 4)));
    expect([...used].sort()).toEqual([0, 1, 2, 3]);
    for (const k of keys) expect(laneOf(k, 10)).toBeLessThan(10);
  });
});
