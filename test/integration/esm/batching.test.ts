/**
 * Batching as AWS documents it for Kafka event source mappings: batch size, batching window, the
 * 6 MB payload cut, the MSK event shape, records of several partitions in one payload.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_INVOCATION_PAYLOAD_BYTES } from '../../../localstack/esm/payload-size.ts';
import { recordingHandler } from './fixtures/recording-handler.ts';
import { type EsmTestContext, esmTestContext, numbered, waitFor } from './harness.ts';

let ctx: EsmTestContext;
afterEach(async () => ctx?.close());

describe('ESM batching', () => {
  it('respects BatchSize and delivers every record once, in offset order per partition', async () => {
    ctx = await esmTestContext(3);
    await ctx.produce(numbered(1000, 3));
    const h = recordingHandler();
    const esm = await ctx.start(h.handler, { batchSize: 64 });
    await waitFor('1000 records', () => esm.counters.recordsSucceeded === 1000);
    expect(Math.max(...h.invocations.map((i) => i.records.length))).toBeLessThanOrEqual(64);
    expect(h.invocations.length).toBeGreaterThanOrEqual(Math.ceil(1000 / 64));
    for (const p of [0, 1, 2]) {
      const offsets = h.offsetsOf(p);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      expect(new Set(offsets).size).toBe(offsets.length);
    }
    expect(h.seen.size).toBe(1000);
  });

  it('builds the MSK event: aws:kafka, records grouped by topic-partition, base64 key/value, byte-array headers', async () => {
    ctx = await esmTestContext(2);
    await ctx.producer.send({
      topic: ctx.topic,
      messages: [
        { key: 'imsi-1', value: 'hello', partition: 0, headers: { 'x-h': 'v1' } },
        { key: null, value: 'world', partition: 1 },
      ],
    });
    const h = recordingHandler();
    const esm = await ctx.start(h.handler, { maximumBatchingWindowInSeconds: 1 });
    await waitFor('2 records', () => esm.counters.recordsSucceeded === 2);
    const events = h.invocations.map((i) => i.event);
    const all = events.flatMap((e) => Object.entries(e.records));
    expect(events[0]).toMatchObject({ eventSource: 'aws:kafka', bootstrapServers: ctx.brokers.join(',') });
    expect(events[0]!.eventSourceArn).toMatch(/^arn:aws:kafka:/);
    const byKey = Object.fromEntries(all);
    expect(byKey[`${ctx.topic}-0`]![0]).toMatchObject({
      topic: ctx.topic,
      partition: 0,
      offset: 0,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('imsi-1').toString('base64'),
      value: Buffer.from('hello').toString('base64'),
      headers: [{ 'x-h': [...Buffer.from('v1')] }],
    });
    expect(byKey[`${ctx.topic}-1`]![0]!.key).toBeUndefined();
    // one window, both partitions: a single payload can hold several partitions
    expect(h.invocations).toHaveLength(1);
    expect(Object.keys(events[0]!.records).sort()).toEqual([`${ctx.topic}-0`, `${ctx.topic}-1`]);
  });

  it('MaximumBatchingWindowInSeconds: waits for the window from the first record, then invokes once', async () => {
    ctx = await esmTestContext(1);
    const h = recordingHandler();
    const esm = await ctx.start(h.handler, { maximumBatchingWindowInSeconds: 2, batchSize: 1000 });
    const t0 = Date.now();
    await ctx.produce(numbered(5));
    await new Promise((resolve) => setTimeout(resolve, 700));
    await ctx.produce(numbered(5, 1, 5));
    await waitFor('10 records', () => esm.counters.recordsSucceeded === 10);
    expect(h.invocations).toHaveLength(1);
    expect(h.invocations[0]!.at - t0).toBeGreaterThanOrEqual(1900);
  });

  it('MaximumBatchingWindowInSeconds: a full batch does not wait for the window', async () => {
    ctx = await esmTestContext(1);
    const h = recordingHandler();
    const esm = await ctx.start(h.handler, { maximumBatchingWindowInSeconds: 30, batchSize: 50 });
    const t0 = Date.now();
    await ctx.produce(numbered(50));
    await waitFor('50 records', () => esm.counters.recordsSucceeded === 50, 10_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(h.invocations).toHaveLength(1);
  });

  it('cuts a batch before it would exceed the 6 MB invocation payload', async () => {
    ctx = await esmTestContext(1);
    const value = Buffer.alloc(700 * 1024, 'a');
    for (let i = 0; i < 20; i++)
      await ctx.producer.send({ topic: ctx.topic, messages: [{ key: `k${i}`, value }] });
    const h = recordingHandler();
    const esm = await ctx.start(h.handler, { batchSize: 100, maximumBatchingWindowInSeconds: 3 });
    await waitFor('20 records', () => esm.counters.recordsSucceeded === 20);
    expect(h.invocations.length).toBeGreaterThan(1);
    for (const i of h.invocations) expect(i.eventBytes).toBeLessThanOrEqual(MAX_INVOCATION_PAYLOAD_BYTES);
    // 700 KiB → ~933 KiB of base64: 6 fit, a 7th would not
    expect(h.invocations[0]!.records).toHaveLength(6);
    expect(h.offsetsOf(0)).toEqual([...Array(20).keys()]);
  });
});
