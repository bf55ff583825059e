/**
 * `readLag`: committed offset, end offset, lag and age of the oldest unprocessed record per partition,
 * the OffsetLag AWS publishes for Kafka mappings, on the real broker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readLag } from '../../../localstack/esm/lag.ts';
import { stageSpec } from '../../../shared/cdr/pipeline.ts';
import type { StageSpec } from '../../../shared/pipeline/types.ts';
import { recordingHandler } from './fixtures/recording-handler.ts';
import { type EsmTestContext, esmTestContext, numbered, waitFor } from './harness.ts';

let ctx: EsmTestContext;
afterEach(async () => ctx?.close());

/** A stage whose single mapping is the test's topic and group. */
function testStage(topic: string, group: string): StageSpec {
  const prefix = group.slice(0, group.length - topic.length - 1);
  return { ...stageSpec('validation'), sourceTopics: [topic], consumerGroupPrefix: prefix };
}

describe('ESM offset lag', () => {
  it('reports committed, end, lag and the age of the oldest unprocessed record per partition', async () => {
    ctx = await esmTestContext(2);
    const group = `${ctx.topic}-lag.${ctx.topic}`;
    const stage = testStage(ctx.topic, group);
    const old = Date.now() - 120_000;
    await ctx.produce(numbered(10, 2).map((m) => ({ ...m, timestamp: String(old) })));

    const before = await readLag(ctx.kafka, ctx.admin, [stage]);
    expect(before.map((r) => [r.partition, r.committed, r.end, r.lag])).toEqual([
      [0, null, 5, 5],
      [1, null, 5, 5],
    ]);
    for (const r of before) expect(r.oldestUnprocessedAgeMs).toBeGreaterThanOrEqual(119_000);

    // process everything, commit, then one more record arrives on partition 1
    const h = recordingHandler();
    const esm = await ctx.start(h.handler, { consumerGroupId: group });
    await waitFor('10 records', () => esm.counters.recordsSucceeded === 10);
    await esm.stop();
    await ctx.produce([{ key: 'late', value: 'x', partition: 1 }]);

    const after = await readLag(ctx.kafka, ctx.admin, [stage]);
    expect(after.map((r) => [r.partition, r.committed, r.end, r.lag])).toEqual([
      [0, 5, 5, 0],
      [1, 5, 6, 1],
    ]);
    expect(after[0]!.oldestUnprocessedAgeMs).toBeNull();
    expect(after[1]!.oldestUnprocessedAgeMs).toBeLessThan(30_000);
  });
});
