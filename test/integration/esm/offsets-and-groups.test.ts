/**
 * Offsets, consumer groups, starting positions and pollers of the Kafka event source mapping
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-starting-positions.html), on the real broker.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHandler } from '../../../localstack/esm/handler-loader.ts';
import { decodeKafkaEvent, type KafkaEvent } from '../../../shared/kafka/msk-event.ts';
import { recordingHandler } from './fixtures/recording-handler.ts';
import { type EsmTestContext, esmTestContext, numbered, waitFor } from './harness.ts';

let ctx: EsmTestContext;
afterEach(async () => ctx?.close());

describe('ESM offsets and groups', () => {
  it('commits only after a batch is done: a slow invocation is not committed while it runs', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(10));
    const h = recordingHandler({ delayMs: 1500 });
    const esm = await ctx.start(h.handler, { maximumBatchingWindowInSeconds: 1 });
    await waitFor('invocation started', () => h.invocations.length === 1);
    expect((await ctx.committed()).get(0)).toBe(-1);
    await waitFor('batch done', () => esm.counters.recordsSucceeded === 10);
    await waitFor('commit', async () => (await ctx.committed()).get(0) === 10);
  });

  it('stop() finishes the in-flight batch, commits it, and leaves the group', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(300));
    const h = recordingHandler({ delayMs: 300 });
    const esm = await ctx.start(h.handler, { batchSize: 100 });
    await waitFor('first invocation', () => h.invocations.length === 1);
    await esm.stop();
    const invoked = h.invocations.reduce((n, i) => n + i.records.length, 0);
    expect(esm.counters.recordsSucceeded).toBe(invoked);
    expect((await ctx.committed()).get(0)).toBe(invoked);
    expect(invoked).toBeLessThan(300);
    const [group] = (await ctx.admin.describeGroups([ctx.group])).groups;
    expect(group!.members).toHaveLength(0);
  });

  it('a mapping killed mid-run without committing, then restarted: nothing lost (at-least-once)', async () => {
    ctx = await esmTestContext(3);
    await ctx.produce(numbered(3000, 3));
    const first = recordingHandler({ delayMs: 20 });
    const esm1 = await ctx.start(first.handler, { batchSize: 100 });
    await waitFor('some progress', () => esm1.counters.recordsSucceeded >= 600);
    await esm1.kill();
    const atKill = await ctx.committed();
    const committedAtKill = [...atKill.values()].reduce((a, b) => a + Math.max(0, b), 0);
    expect(committedAtKill).toBeLessThan(3000);
    const second = recordingHandler();
    const esm2 = await ctx.start(second.handler, { batchSize: 100 });
    await waitFor('rest processed', () => esm2.counters.recordsSucceeded >= 3000 - committedAtKill);
    // nothing lost: every record was processed by one mapping or the other
    const seen = new Set([...first.seen.keys(), ...second.seen.keys()]);
    expect(seen.size).toBe(3000);
    // the restarted mapping resumes exactly from the committed offsets (the record Lambda resumes from)
    for (const p of [0, 1, 2]) {
      expect(Math.min(...second.offsetsOf(p))).toBe(Math.max(0, atKill.get(p) ?? 0));
    }
    await waitFor('all committed', async () =>
      [...(await ctx.committed()).values()].every((o) => o === 1000),
    );
  });

  it('StartingPosition LATEST skips records already in the topic; TRIM_HORIZON reads them', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(5));
    const latest = recordingHandler();
    const esm = await ctx.start(latest.handler, { startingPosition: 'LATEST' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await ctx.produce(numbered(3, 1, 100));
    await waitFor('3 new records', () => esm.counters.recordsSucceeded === 3);
    expect(latest.invocations.flatMap((i) => i.records.map((r) => r.value!.toString()))).toEqual([
      '100',
      '101',
      '102',
    ]);
    await esm.stop();

    const trim = recordingHandler();
    const esm2 = await ctx.start(trim.handler, {
      startingPosition: 'TRIM_HORIZON',
      consumerGroupId: `${ctx.group}.other`,
    });
    await waitFor('8 records', () => esm2.counters.recordsSucceeded === 8);
  });

  it('a group with committed offsets ignores StartingPosition and resumes from them', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(10));
    const h1 = recordingHandler();
    const esm1 = await ctx.start(h1.handler, { startingPosition: 'TRIM_HORIZON' });
    await waitFor('10 records', () => esm1.counters.recordsSucceeded === 10);
    await esm1.stop();
    await ctx.produce(numbered(4, 1, 10));
    // LATEST would skip these four; the committed offset (10) wins
    const h2 = recordingHandler();
    const esm2 = await ctx.start(h2.handler, { startingPosition: 'LATEST' });
    await waitFor('4 records', () => esm2.counters.recordsSucceeded === 4);
    expect(h2.offsetsOf(0)).toEqual([10, 11, 12, 13]);
  });

  it('runs the configured pollers as consumers of the mapping group, sharing its partitions', async () => {
    ctx = await esmTestContext(4);
    await ctx.produce(numbered(400, 4));
    const h = recordingHandler();
    const esm = await ctx.start(
      h.handler,
      { provisionedPollers: { minimum: 1, maximum: 3 } },
      { pollers: 2 },
    );
    await waitFor('400 records', () => esm.counters.recordsSucceeded === 400);
    const [group] = (await ctx.admin.describeGroups([ctx.group])).groups;
    expect(group!.members).toHaveLength(2);
    expect(group!.protocolType).toBe('consumer');
    expect(h.seen.size).toBe(400);
    await expect(
      ctx.start(h.handler, { provisionedPollers: { minimum: 1, maximum: 3 } }, { pollers: 4 }),
    ).rejects.toThrow(/MaximumPollers/);
  });

  it('invocationsPerPoller: several batches in flight, never two of the same partition, order kept', async () => {
    ctx = await esmTestContext(6);
    await ctx.produce(numbered(1200, 6));
    let running = 0;
    let maxRunning = 0;
    const inFlight = new Set<number>();
    const order = new Map<number, number[]>();
    let overlap = false;
    const handler = async (event: KafkaEvent) => {
      const records = decodeKafkaEvent(event);
      const partitions = new Set(records.map((r) => r.partition));
      for (const p of partitions) if (inFlight.has(p)) overlap = true;
      for (const p of partitions) inFlight.add(p);
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const r of records) order.set(r.partition, [...(order.get(r.partition) ?? []), r.offset]);
      for (const p of partitions) inFlight.delete(p);
      running--;
    };
    const esm = await ctx.start(handler, { batchSize: 50 }, { invocationsPerPoller: 4 });
    await waitFor('1200 records', () => esm.counters.recordsSucceeded === 1200);
    expect(overlap).toBe(false);
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxRunning).toBeLessThanOrEqual(4);
    for (const offsets of order.values()) expect(offsets).toEqual([...Array(200).keys()]);
    await waitFor('all committed', async () => [...(await ctx.committed()).values()].every((o) => o === 200));
    await expect(ctx.start(handler, {}, { invocationsPerPoller: 6 })).rejects.toThrow(/1–5/);
  });

  it('loads a handler module by path, with the function environment set', async () => {
    ctx = await esmTestContext(1);
    await ctx.produce(numbered(7));
    process.env.KAFKA_BROKERS ??= ctx.brokers.join(',');
    const handler = await loadHandler({
      kind: 'module',
      path: fileURLToPath(new URL('./fixtures/module-handler.ts', import.meta.url)),
    });
    const esm = await ctx.start(handler);
    await waitFor('7 records', () => esm.counters.recordsSucceeded === 7);
    expect((globalThis as { __esmModuleHandlerRecords?: number }).__esmModuleHandlerRecords).toBe(7);
  });
});
