/**
 * `startStageWorkers`, the main job's default: each stage in its own worker process running the
 * real stage module, counters over IPC, a graceful stop that commits, and start failures surfaced
 * with the worker's own message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLag } from '../../../localstack/esm/lag.ts';
import { startStageWorkers } from '../../../localstack/esm/stage-workers.ts';
import { generateToKafka } from '../../../localstack/load/generate-to-kafka.ts';
import { localRun } from '../../../shared/cdr/local-run.ts';
import { CDR_PIPELINE, stageSpec, TOPICS } from '../../../shared/cdr/pipeline.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { waitFor } from './harness.ts';

const { kafkaBrokers: brokers } = testEndpoints();
const kafka = testKafka('it-stage-workers', brokers);
const admin = kafka.admin();

beforeAll(async () => {
  await admin.connect();
  await applyCatalog(admin, TOPICS);
});
afterAll(async () => admin.disconnect());

describe('startStageWorkers', () => {
  it('runs a stage in its own process, reports its counters and memory, and commits on stop', async () => {
    // Records earlier tests left on the ten raw topics go through the worker too: wait for them
    // as well, or the stop would come before this test's own records are done.
    const backlog = (await readLag(kafka, admin, [stageSpec('validation')], { withAge: false })).reduce(
      (n, p) => n + p.lag,
      0,
    );
    const pipeline = await startStageWorkers({ pipeline: CDR_PIPELINE, brokers, stages: ['validation'] });
    let stopped = false;
    try {
      const before = backlog;
      const load = localRun.createLoad({
        count: 300,
        rate: 0,
        invalidRatio: 0.1,
        seed: Date.now() % 1_000_000,
        options: { countries: 'fr,ma' },
      });
      const generated = await generateToKafka({ brokers, load, count: 300, rate: 0, speed: 1 });
      // An oversized invalid record may be refused by the broker: count what it acknowledged.
      expect(generated.produced + generated.refusedByBroker).toBe(300);
      await waitFor(
        `${generated.produced} raw CDRs (and a backlog of ${backlog}) through the validation worker`,
        () => {
          const t = pipeline.stageTotals().validation;
          return (t?.recordsSucceeded ?? 0) + (t?.recordsOnFailure ?? 0) >= before + generated.produced;
        },
        60_000,
      );
      expect(pipeline.counters()).toHaveLength(10);
      await pipeline.stop();
      stopped = true;
      const totals = pipeline.stageTotals().validation!;
      expect(totals.recordsPending).toBe(0);
      expect(totals.recordsIn).toBe(totals.recordsSucceeded + totals.recordsOnFailure);
      const rss = pipeline.peakRssMb().validation ?? 0;
      expect(rss).toBeGreaterThan(30);
      expect(rss).toBeLessThan(1024);
      const lag = await readLag(kafka, admin, [stageSpec('validation')], { withAge: false });
      expect(
        lag.filter((p) => p.topic === 'cdr.raw.fr' || p.topic === 'cdr.raw.ma').every((p) => p.lag === 0),
      ).toBe(true);
    } finally {
      if (!stopped) await pipeline.kill();
    }
  });

  it('fails to start with the message the worker met', async () => {
    await expect(
      startStageWorkers({ pipeline: CDR_PIPELINE, brokers, stages: ['normalization'], pollers: 999 }),
    ).rejects.toThrow(/normalization worker could not start: pollers for cdr\.validated must be 1–\d+/);
  });
});
