import { describe, expect, it } from 'vitest';
import {
  envelopeBytes,
  MAX_INVOCATION_PAYLOAD_BYTES,
  PayloadSize,
} from '../../../localstack/esm/payload-size.ts';
import { RecordBuffer } from '../../../localstack/esm/record-buffer.ts';
import { fetched, fetchedRange } from './records.ts';

const envelope = envelopeBytes({
  eventSource: 'aws:kafka',
  bootstrapServers: 'b:9092',
  eventSourceArn: 'arn',
});

describe('RecordBuffer', () => {
  it('cuts batches of at most BatchSize records, keeping offset order per partition', () => {
    const buffer = new RecordBuffer();
    buffer.push(fetchedRange(25), 0);
    const sizes: number[] = [];
    const offsets: number[] = [];
    for (
      let b = buffer.takeBatch(10, MAX_INVOCATION_PAYLOAD_BYTES, envelope);
      b.length > 0;
      b = buffer.takeBatch(10, MAX_INVOCATION_PAYLOAD_BYTES, envelope)
    ) {
      sizes.push(b.length);
      offsets.push(...b.map((r) => r.offset));
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(offsets).toEqual([...Array(25).keys()]);
    expect(buffer.count).toBe(0);
  });

  it('cuts a batch before the record that would take the payload over the limit', () => {
    const buffer = new RecordBuffer();
    const big = Array.from({ length: 10 }, (_, i) => fetched(i, { value: Buffer.alloc(1024 * 1024) }));
    buffer.push(big, 0);
    const first = buffer.takeBatch(10_000, MAX_INVOCATION_PAYLOAD_BYTES, envelope);
    const size = new PayloadSize(envelope);
    for (const r of first) size.add(r);
    expect(size.bytes).toBeLessThanOrEqual(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(size.bytes + size.growthWith(big[first.length]!)).toBeGreaterThan(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(first).toHaveLength(4); // 1 MiB of value is ~1.33 MiB of base64
  });

  it('still hands over a single record larger than the limit, alone', () => {
    const buffer = new RecordBuffer();
    buffer.push([fetched(0, { value: Buffer.alloc(5 * 1024 * 1024) }), fetched(1)], 0);
    expect(buffer.takeBatch(100, MAX_INVOCATION_PAYLOAD_BYTES, envelope).map((r) => r.offset)).toEqual([0]);
    expect(buffer.takeBatch(100, MAX_INVOCATION_PAYLOAD_BYTES, envelope).map((r) => r.offset)).toEqual([1]);
  });

  it('mixes partitions in one batch and rotates which goes first', () => {
    const buffer = new RecordBuffer();
    buffer.push(fetchedRange(3, { partition: 0 }), 0);
    buffer.push(fetchedRange(3, { partition: 1 }), 0);
    const first = buffer.takeBatch(4, MAX_INVOCATION_PAYLOAD_BYTES, envelope);
    expect(first.map((r) => `${r.partition}@${r.offset}`)).toEqual(['0@0', '0@1', '0@2', '1@0']);
    const second = buffer.takeBatch(4, MAX_INVOCATION_PAYLOAD_BYTES, envelope);
    expect(second.map((r) => `${r.partition}@${r.offset}`)).toEqual(['1@1', '1@2']);
  });

  it('skips partitions with a batch in flight', () => {
    const buffer = new RecordBuffer();
    buffer.push(fetchedRange(3, { partition: 0 }), 0);
    buffer.push(fetchedRange(3, { partition: 1 }), 0);
    const batch = buffer.takeBatch(10, MAX_INVOCATION_PAYLOAD_BYTES, envelope, new Set(['t-0']));
    expect(batch.map((r) => r.partition)).toEqual([1, 1, 1]);
    expect(buffer.takeBatch(10, MAX_INVOCATION_PAYLOAD_BYTES, envelope, new Set(['t-0']))).toEqual([]);
    expect(buffer.count).toBe(3);
  });

  it('drops re-fetched records and forgets revoked partitions', () => {
    const buffer = new RecordBuffer();
    expect(buffer.push(fetchedRange(5), 0)).toBe(5);
    expect(buffer.push(fetchedRange(7), 0)).toBe(2);
    buffer.push(fetchedRange(2, { partition: 1 }), 0);
    expect(buffer.retainOnly(new Set(['t-1']))).toBe(7);
    expect(buffer.count).toBe(2);
    // partition 0 comes back: fetched again from its committed offset
    expect(buffer.push(fetchedRange(3), 0)).toBe(3);
  });

  it('reports when the oldest buffered record arrived (start of the batching window)', () => {
    const buffer = new RecordBuffer();
    expect(buffer.oldestArrival()).toBeUndefined();
    buffer.push([fetched(0)], 100);
    buffer.push([fetched(1, { partition: 2 })], 50);
    expect(buffer.oldestArrival()).toBe(50);
  });
});
