/**
 * Issue 10's acceptance: a pipeline defined only in a test fixture (`test/fixtures/toy-pipeline`,
 * not in `shared/pipelines.ts`, its handlers outside `functions/`) runs through the ESM emulator on
 * the real embedded broker with no edit in `lib/` or `localstack/`: its topics applied from the
 * definition, `forward` copying every record to `toy.out`, `reject` sending each of those to
 * `toy.rejected` with the runtime's reason headers — in this process and in stage workers.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerPathOf } from '../../../localstack/esm/handler-loader.ts';
import { type RunningPipeline, startPipeline } from '../../../localstack/esm/pipeline.ts';
import { startStageWorkers } from '../../../localstack/esm/stage-workers.ts';
import { PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import { FAILURE_HEADER } from '../../../shared/kafka/failure-headers.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import {
  TOY_PIPELINE,
  TOY_PIPELINE_MODULE,
  TOY_REJECT_REASON,
  TOY_TOPIC,
} from '../../fixtures/toy-pipeline/pipeline.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { waitFor } from './harness.ts';

const N = 300;

const { kafkaBrokers: brokers } = testEndpoints();
const kafka = testKafka('it-toy-pipeline', brokers);
const admin = kafka.admin();
const producer = kafka.producer(PRODUCER_CONFIG);

beforeAll(async () => {
  // The stage handlers log every batch at INFO and emit metrics: keep the test output readable.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  await admin.connect();
  await applyCatalog(admin, TOY_PIPELINE.topics);
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

/** A record read back from a toy topic. */
interface ReadRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * Collects the records of `topic` whose key starts with `run` (the topics outlive a test run)
 * until `count` are there or `timeoutMs` passes.
 */
async function collect(client: Kafka, topic: string, run: string, count: number, timeoutMs = 60_000) {
  const found = new Map<string, ReadRecord>();
  const consumer = client.consumer({ groupId: `it-toy-reader.${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      if (!key.startsWith(run)) return;
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      found.set(key, { key, value: message.value?.toString() ?? '', headers });
    },
  });
  try {
    await waitFor(`${count} records of run ${run} on ${topic}`, () => found.size >= count, timeoutMs);
  } catch {
    // The assertions below say what is missing.
  }
  await consumer.disconnect();
  return [...found.values()];
}

/** Produces N records of a new run to `toy.in`; checks what the toy made of them. */
async function runThroughToy(pipeline: RunningPipeline): Promise<void> {
  const run = `run-${randomUUID().slice(0, 8)}`;
  try {
    await producer.send({
      topic: TOY_TOPIC.in,
      acks: -1,
      messages: Array.from({ length: N }, (_, i) => ({ key: `${run}-${i}`, value: `{"n":${i}}` })),
    });
    const [forwarded, rejected] = await Promise.all([
      collect(kafka, TOY_TOPIC.out, run, N),
      collect(kafka, TOY_TOPIC.rejected, run, N),
    ]);
    expect(forwarded).toHaveLength(N);
    expect(new Set(forwarded.map((r) => r.value)).size).toBe(N);
    expect(forwarded.find((r) => r.key === `${run}-7`)?.value).toBe('{"n":7}');
    expect(rejected).toHaveLength(N);
    for (const r of rejected) {
      expect(r.headers).toMatchObject({
        [FAILURE_HEADER.reason]: TOY_REJECT_REASON,
        [FAILURE_HEADER.stage]: 'reject',
        [FAILURE_HEADER.sourceTopic]: TOY_TOPIC.out,
      });
    }
    // The original bytes are kept with the reject.
    expect(rejected.find((r) => r.key === `${run}-7`)?.value).toBe('{"n":7}');
    const totals = pipeline.stageTotals();
    expect(totals.forward?.recordsOnFailure).toBe(0);
    expect(totals.reject?.recordsOnFailure).toBe(0);
  } finally {
    await pipeline.stop();
  }
}

describe('a pipeline defined only in a test fixture', () => {
  it('runs through the emulator in this process: N forwarded to toy.out, N rejected with reason headers', async () => {
    const pipeline = await startPipeline({ pipeline: TOY_PIPELINE, brokers, retryBackoffMs: 10 });
    expect(pipeline.counters().map((c) => c.consumerGroupId)).toEqual([
      `toy-forward.${TOY_TOPIC.in}`,
      `toy-reject.${TOY_TOPIC.out}`,
    ]);
    expect(pipeline.mappings.map((m) => m.config.functionName)).toEqual([
      'orion-toy-forward',
      'orion-toy-reject',
    ]);
    await runThroughToy(pipeline);
  });

  it('runs in stage workers, which import it from its module', async () => {
    await expect(startStageWorkers({ pipeline: TOY_PIPELINE, brokers })).rejects.toThrow(
      /not in shared\/pipelines\.ts/,
    );
    const pipeline = await startStageWorkers({
      pipeline: TOY_PIPELINE,
      pipelineModule: TOY_PIPELINE_MODULE,
      brokers,
    });
    await runThroughToy(pipeline);
  });

  it('keeps its handlers in its own functions root, which is never bundled', () => {
    const forward = TOY_PIPELINE.stages[0]!;
    expect(handlerPathOf(TOY_PIPELINE, forward, false)).toBe(
      fileURLToPath(new URL('../../fixtures/toy-pipeline/functions/forward/handler.ts', import.meta.url)),
    );
    expect(() => handlerPathOf(TOY_PIPELINE, forward, true)).toThrow(/without --bundled/);
  });
});
