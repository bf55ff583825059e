/**
 * `startPipeline` as the main job and `orion run` use it: several stages chained through Kafka,
 * each with its mappings and pollers, live counters, graceful stop; and the deployed bundle loaded
 * with `bundled`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { handlerPathOf, loadHandler, REPO_ROOT } from '../../../localstack/esm/handler-loader.ts';
import { startPipeline } from '../../../localstack/esm/pipeline.ts';
import { CDR_PIPELINE, stageSpec } from '../../../shared/cdr/pipeline.ts';
import { decodeKafkaEvent, type KafkaEvent } from '../../../shared/kafka/msk-event.ts';
import type { StageSpec } from '../../../shared/pipeline/types.ts';
import { type EsmTestContext, esmTestContext, numbered, waitFor } from './harness.ts';

let ctx: EsmTestContext;
afterEach(async () => ctx?.close());

describe('startPipeline', () => {
  it('runs chained stages over their own mappings and reports live counters per stage', async () => {
    ctx = await esmTestContext(3);
    const middle = `${ctx.topic}.middle`;
    await ctx.admin.createTopics({ waitForLeaders: true, topics: [{ topic: middle, numPartitions: 2 }] });
    const first: StageSpec = {
      ...stageSpec('validation'),
      sourceTopics: [ctx.topic],
      consumerGroupPrefix: `${ctx.group}.first`,
      onFailureTopic: ctx.dlq,
    };
    const second: StageSpec = {
      ...stageSpec('normalization'),
      sourceTopics: [middle],
      consumerGroupPrefix: `${ctx.group}.second`,
      onFailureTopic: ctx.dlq,
    };
    const arrived = new Set<string>();
    const pipeline = await startPipeline({
      pipeline: CDR_PIPELINE,
      brokers: ctx.brokers,
      stages: [first, second],
      pollers: 2,
      handlers: {
        validation: {
          kind: 'function',
          handler: async (event: KafkaEvent) => {
            const records = decodeKafkaEvent(event);
            await ctx.producer.send({
              topic: middle,
              acks: -1,
              messages: records.map((r) => ({ key: r.key, value: r.value })),
            });
            return { batchItemFailures: [] };
          },
        },
        normalization: {
          kind: 'function',
          handler: async (event: KafkaEvent) => {
            for (const r of decodeKafkaEvent(event)) arrived.add(r.value!.toString());
          },
        },
      },
    });
    try {
      await ctx.produce(numbered(2000, 3));
      await waitFor('2000 records through both stages', () => arrived.size === 2000);
      const totals = pipeline.stageTotals();
      expect(totals.validation).toMatchObject({
        recordsIn: 2000,
        recordsSucceeded: 2000,
        recordsOnFailure: 0,
        pollers: 2,
      });
      expect(totals.normalization!.recordsSucceeded).toBeGreaterThanOrEqual(2000);
      expect(pipeline.counters().map((c) => c.consumerGroupId)).toEqual([
        `${ctx.group}.first.${ctx.topic}`,
        `${ctx.group}.second.${middle}`,
      ]);
    } finally {
      await pipeline.stop();
      await ctx.admin.deleteTopics({ topics: [middle] }).catch(() => undefined);
    }
    expect((await ctx.committed(`${ctx.group}.first.${ctx.topic}`)).size).toBe(3);
  });

  it('refuses to start when a source topic is missing, and says how to create it', async () => {
    ctx = await esmTestContext(1);
    const stage: StageSpec = {
      ...stageSpec('validation'),
      sourceTopics: [`${ctx.topic}.missing`],
      onFailureTopic: ctx.dlq,
    };
    await expect(
      startPipeline({
        pipeline: CDR_PIPELINE,
        brokers: ctx.brokers,
        stages: [stage],
        handlers: { validation: { kind: 'function', handler: () => {} } },
      }),
    ).rejects.toThrow(/missing: .*\.missing\. Create them with `npx orion topics apply`/);
  });

  it('loads the esbuild bundle of a stage with `bundled` (dist/functions/<stage>/index.mjs)', async () => {
    const path = handlerPathOf(CDR_PIPELINE, stageSpec('validation'), true);
    // A fresh clone has no dist/: build the bundles exactly as `npm run build` does.
    if (!existsSync(path)) execFileSync('npx', ['tsx', 'bin/build.ts'], { cwd: REPO_ROOT, stdio: 'ignore' });
    process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
    const handler = await loadHandler({ kind: 'module', path });
    expect(typeof handler).toBe('function');
  });
});
