/**
 * Error handling of the Kafka event source mapping as AWS documents it
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html), on the real broker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OnFailureDocument } from '../../../localstack/esm/on-failure-record.ts';
import { decodeKafkaEvent } from '../../../shared/kafka/msk-event.ts';
import { recordingHandler } from './fixtures/recording-handler.ts';
import { type EsmTestContext, esmTestContext, numbered, waitFor } from './harness.ts';

let ctx: EsmTestContext;
afterEach(async () => ctx?.close());

const done = (esm: { counters: { recordsSucceeded: number; recordsOnFailure: number } }, n: number) => () =>
  esm.counters.recordsSucceeded + esm.counters.recordsOnFailure === n;

describe('ESM error handling', () => {
  it('partial batch response: only the failed records are retried, before any later record of their partition', async () => {
    ctx = await esmTestContext(2);
    await ctx.produce(numbered(200, 2));
    // offsets 10 and 30 of partition 0 fail twice, then succeed
    const h = recordingHandler({
      fail: (r, seen) => r.partition === 0 && (r.offset === 10 || r.offset === 30) && seen <= 2,
    });
    const esm = await ctx.start(h.handler, { batchSize: 50, maximumRetryAttempts: 5 });
    await waitFor('200 records done', done(esm, 200));
    expect(esm.counters.recordsOnFailure).toBe(0);
    expect(esm.counters.recordsSucceeded).toBe(200);
    // each failed record: 1 attempt + 2 retries; every other record invoked exactly once
    for (const [id, count] of h.seen) {
      expect(count).toBe(id === `${ctx.topic}-0@10` || id === `${ctx.topic}-0@30` ? 3 : 1);
    }
    // between the first invocation of offset 30 and its last retry, only the failed records are invoked:
    // no later record of partition 0 runs before 30 is done
    const has30 = (i: (typeof h.invocations)[number]) =>
      i.records.some((r) => r.partition === 0 && r.offset === 30);
    const first = h.invocations.findIndex(has30);
    const last = h.invocations.findLastIndex(has30);
    expect(last).toBeGreaterThan(first);
    for (const inv of h.invocations.slice(first + 1, last + 1)) {
      const p0 = inv.records.filter((r) => r.partition === 0).map((r) => r.offset);
      for (const offset of p0) expect([10, 30]).toContain(offset);
    }
    await waitFor('commit', async () => (await ctx.committed()).get(0) === 100);
  });

  it('a handler failing transiently for some records: retried, then succeeds, nothing on-failure', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(100));
    const h = recordingHandler({ fail: (r, seen) => r.offset % 7 === 0 && seen < 3 });
    const esm = await ctx.start(h.handler, { maximumRetryAttempts: 3 });
    await waitFor('100 records done', done(esm, 100));
    expect(esm.counters.recordsSucceeded).toBe(100);
    expect(esm.counters.recordsOnFailure).toBe(0);
    expect(h.seen.get(`${ctx.topic}-0@7`)).toBe(3);
    expect(esm.counters.retries).toBe(2 * 15);
  });

  it('a handler that always fails: the records reach the on-failure topic after MaximumRetryAttempts, with AWS metadata', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(20));
    const h = recordingHandler({ fail: (r) => r.offset === 4 || r.offset === 11 });
    const esm = await ctx.start(h.handler, { maximumRetryAttempts: 2 });
    await waitFor('20 records done', done(esm, 20));
    expect(esm.counters.recordsOnFailure).toBe(2);
    expect(h.seen.get(`${ctx.topic}-0@4`)).toBe(3); // 1 attempt + 2 retries
    const dlq = await ctx.readAll(ctx.dlq, 2);
    expect(dlq).toHaveLength(2);
    const docs = dlq.map((m) => ({
      key: m.key?.toString(),
      doc: JSON.parse(m.value!.toString()) as OnFailureDocument,
    }));
    docs.sort(
      (a, b) =>
        Number(a.doc.KafkaBatchInfo.recordInfo.offset) - Number(b.doc.KafkaBatchInfo.recordInfo.offset),
    );
    expect(docs.map((d) => d.key)).toEqual(['k4', 'k11']);
    const { doc } = docs[0]!;
    expect(doc.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(doc.requestContext.functionArn).toMatch(/^arn:aws:lambda:.*:function:esm-test:\$LATEST$/);
    expect(doc.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(doc.version).toBe('1.0');
    expect(doc.KafkaBatchInfo).toMatchObject({
      batchSize: 1,
      bootstrapServers: ctx.brokers.join(','),
      recordInfo: { offset: '4' },
    });
    const [original] = decodeKafkaEvent(doc.payload);
    expect(original).toMatchObject({ topic: ctx.topic, partition: 0, offset: 4 });
    expect(original!.value!.toString()).toBe('4');
    // the batch is committed once its exhausted records are on the on-failure topic
    await waitFor('commit', async () => (await ctx.committed()).get(0) === 20);
  });

  it('a handler that throws fails the whole invocation: all its records are retried, then go on-failure as Unhandled', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(5));
    const h = recordingHandler({ throwWhen: () => true });
    const esm = await ctx.start(h.handler, { maximumRetryAttempts: 1, maximumBatchingWindowInSeconds: 1 });
    await waitFor('5 records done', done(esm, 5));
    expect(h.invocations.map((i) => i.records.length)).toEqual([5, 5]);
    const dlq = await ctx.readAll(ctx.dlq, 5);
    const doc = JSON.parse(dlq[0]!.value!.toString()) as OnFailureDocument;
    expect(doc.responseContext.functionError).toBe('Unhandled');
    expect(doc.requestContext.approximateInvokeCount).toBe(2);
  });

  it('BisectBatchOnFunctionError isolates the one failing record of a batch of 1 000', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(1000));
    const poison = 777;
    const h = recordingHandler({ throwWhen: (records) => records.some((r) => r.offset === poison) });
    const esm = await ctx.start(h.handler, {
      batchSize: 1000,
      maximumBatchingWindowInSeconds: 2,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
    });
    await waitFor('1000 records done', done(esm, 1000));
    expect(h.invocations[0]!.records).toHaveLength(1000);
    expect(esm.counters.recordsSucceeded).toBe(999);
    expect(esm.counters.recordsOnFailure).toBe(1);
    expect(esm.counters.bisects).toBeGreaterThanOrEqual(10);
    expect(h.invocations.length).toBeLessThanOrEqual(2 * 11 + 2);
    const [dlq] = await ctx.readAll(ctx.dlq, 1);
    const doc = JSON.parse(dlq!.value!.toString()) as OnFailureDocument;
    expect(doc.KafkaBatchInfo.recordInfo.offset).toBe(String(poison));
    expect(doc.requestContext.condition).toBe('RetriesExhausted');
  });

  it('MaximumRecordAgeInSeconds: records older than the limit go on-failure without being invoked', async () => {
    ctx = await esmTestContext(1);
    const old = Date.now() - 5 * 60_000;
    await ctx.produce([
      { key: 'old1', value: 'a', timestamp: String(old) },
      { key: 'new', value: 'b' },
      { key: 'old2', value: 'c', timestamp: String(old) },
    ]);
    const h = recordingHandler();
    const esm = await ctx.start(h.handler, {
      maximumRecordAgeInSeconds: 60,
      maximumBatchingWindowInSeconds: 1,
    });
    await waitFor('3 records done', done(esm, 3));
    expect(h.invocations.flatMap((i) => i.records.map((r) => r.key?.toString()))).toEqual(['new']);
    const dlq = await ctx.readAll(ctx.dlq, 2);
    const docs = dlq.map((m) => JSON.parse(m.value!.toString()) as OnFailureDocument);
    expect(docs.map((d) => d.requestContext.condition)).toEqual(['RecordAgeExceeded', 'RecordAgeExceeded']);
    expect(docs.map((d) => d.requestContext.approximateInvokeCount)).toEqual([0, 0]);
    expect(dlq.map((m) => m.key?.toString()).sort()).toEqual(['old1', 'old2']);
  });
});
