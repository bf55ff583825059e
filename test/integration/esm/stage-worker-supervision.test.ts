/**
 * Supervision of the stage workers on the real broker: a worker killed with SIGKILL while it is
 * busy is replaced by a new process (as Lambda replaces a failed execution environment), which
 * joins the mapping's consumer group again and resumes from the group's committed offsets. Checked
 * from Kafka itself: every record produced (before and after the kill) reaches the output topic,
 * those below the offsets committed at the kill exactly once, the others at least once (the
 * batches in flight at the kill are delivered again), and the group's offsets reach the end.
 * Runs the toy fixture's `forward` stage (`toy.in` → `toy.out`) under a consumer group of its own,
 * on records keyed by a run id of its own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StageWorkersHandle, startStageWorkers } from '../../../localstack/esm/stage-workers.ts';
import { PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { TOY_PIPELINE, TOY_PIPELINE_MODULE, TOY_TOPIC } from '../../fixtures/toy-pipeline/pipeline.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { commitGroupAt, endOffsets, type Offsets } from '../stages/kafka-io.ts';
import { waitFor } from './harness.ts';

/** Records produced before the kill (a backlog the worker is busy with), and while it is dead. */
const BEFORE_KILL = 6_000;
const AFTER_KILL = 2_000;
const TOY_IN_PARTITIONS = TOY_PIPELINE.topics.find((t) => t.name === TOY_TOPIC.in)!.partitions;

const { kafkaBrokers: brokers } = testEndpoints();
const kafka = testKafka('it-stage-worker-supervision', brokers);
const admin = kafka.admin();
const producer = kafka.producer(PRODUCER_CONFIG);

beforeAll(async () => {
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

async function committed(groupId: string, topic: string): Promise<Offsets> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

const sum = (offsets: Offsets) => [...offsets.values()].reduce((a, b) => a + b, 0);

/**
 * Produces records `from … from + count - 1` of `run` to `toy.in`, record i to partition
 * i mod partitions, one request per partition so that its records get consecutive offsets; fills
 * `sourceOffsets` with where each record landed.
 */
async function produce(
  run: string,
  from: number,
  count: number,
  sourceOffsets: Map<number, { partition: number; offset: number }>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: TOY_IN_PARTITIONS }, async (_, partition) => {
      const ids = Array.from({ length: count }, (_, k) => from + k).filter(
        (i) => i % TOY_IN_PARTITIONS === partition,
      );
      const [meta] = await producer.send({
        topic: TOY_TOPIC.in,
        acks: -1,
        messages: ids.map((i) => ({ key: `${run}-${i}`, value: `{"n":${i}}`, partition })),
      });
      const base = Number(meta!.baseOffset);
      for (const [k, i] of ids.entries()) sourceOffsets.set(i, { partition, offset: base + k });
    }),
  );
}

/** How many copies of each record of `run` reached `toy.out` between `from` and `to`. */
async function copiesOnToyOut(run: string, from: Offsets, to: Offsets): Promise<Map<number, number>> {
  const groupId = `it-supervision-reader.${run}`;
  await commitGroupAt(admin, groupId, TOY_TOPIC.out, from);
  const copies = new Map<number, number>();
  const next = new Map(from);
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: TOY_TOPIC.out });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      next.set(partition, Number(message.offset) + 1);
      const key = message.key?.toString() ?? '';
      if (!key.startsWith(`${run}-`)) return;
      const i = Number(key.slice(run.length + 1));
      copies.set(i, (copies.get(i) ?? 0) + 1);
    },
  });
  try {
    await waitFor(
      `${TOY_TOPIC.out} read up to its end`,
      () => [...to].every(([p, end]) => (next.get(p) ?? 0) >= end),
      30_000,
    );
  } finally {
    await consumer.disconnect();
  }
  return copies;
}

describe('stage worker supervision', () => {
  it('replaces a worker killed with SIGKILL mid-run; its in-flight batches come again from the committed offsets, nothing is lost', async () => {
    const run = `sup-${randomUUID().slice(0, 8)}`;
    const group = `it-supervision.${run}`;
    // The group starts at the current end of toy.in: only this run's records go through it.
    const inStart = await endOffsets(admin, TOY_TOPIC.in);
    await commitGroupAt(admin, group, TOY_TOPIC.in, inStart);
    const outStart = await endOffsets(admin, TOY_TOPIC.out);
    const errors: string[] = [];
    const workers: StageWorkersHandle = await startStageWorkers({
      pipeline: TOY_PIPELINE,
      pipelineModule: TOY_PIPELINE_MODULE,
      brokers,
      stages: ['forward'],
      mappingOverrides: { consumerGroupId: group },
      invocationsPerPoller: 3,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    let ended = false;
    const sourceOffsets = new Map<number, { partition: number; offset: number }>();
    try {
      expect(workers.restarts()).toEqual({ forward: 0 });
      const firstPid = workers.workerPids().forward;
      expect(firstPid).toBeGreaterThan(0);

      await produce(run, 0, BEFORE_KILL, sourceOffsets);
      // Kill as soon as the worker is seen working through the backlog.
      await waitFor(
        'the forward worker busy',
        () => (workers.stageTotals().forward?.recordsSucceeded ?? 0) > 0,
      );
      const atKill = { ...workers.stageTotals().forward! };
      const cpuAtKill = workers.cpuMicros().forward!;
      const rssAtKill = workers.peakRssMb().forward!;
      process.kill(firstPid!, 'SIGKILL');
      const killedAt = Date.now();
      // What the dead worker committed: no commit of its own can come any more.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const committedAtKill = await committed(group, TOY_TOPIC.in);
      const endAtKill = await endOffsets(admin, TOY_TOPIC.in);
      expect(workers.workerPids().forward).toBeUndefined();
      // It was busy: part of the backlog was not committed yet, so some work is delivered again.
      expect(sum(committedAtKill)).toBeLessThan(sum(endAtKill));
      // Records produced while no worker runs are not lost either.
      await produce(run, BEFORE_KILL, AFTER_KILL, sourceOffsets);

      await waitFor(
        'a new forward worker',
        () => (workers.workerPids().forward ?? firstPid) !== firstPid,
        50_000,
      );
      const recoveredMs = Date.now() - killedAt;
      expect(workers.restarts()).toEqual({ forward: 1 });
      const restartReports = errors.filter((e) => e.includes('forward worker exited unexpectedly'));
      expect(restartReports).toHaveLength(1);
      expect(restartReports[0]).toMatch(/signal SIGKILL\): starting a new one in 1\.0 s \(restart 1\)/);

      const inEnd = await endOffsets(admin, TOY_TOPIC.in);
      await waitFor(
        `${group} committed up to the end of ${TOY_TOPIC.in}`,
        async () => {
          const now = await committed(group, TOY_TOPIC.in);
          return [...inEnd].every(([p, end]) => (now.get(p) ?? -1) >= end);
        },
        30_000,
      );
      await workers.stop();
      ended = true;
      // stop() ends what it stops: no replacement after it, even past the restart delay.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(workers.restarts()).toEqual({ forward: 1 });
      expect(workers.workerPids()).toEqual({});

      // Cumulative across the restart: the dead worker's counts plus its successor's.
      const total = BEFORE_KILL + AFTER_KILL;
      const totals = workers.stageTotals().forward!;
      expect(totals.recordsPending).toBe(0);
      expect(totals.recordsIn).toBe(totals.recordsSucceeded + totals.recordsOnFailure);
      // The dead worker's counts are its last snapshot (at most 200 ms old): what it did and
      // committed after that is in no counter (seen in CI: 7,700 of 8,000). The output topic above
      // is what proves nothing was lost; the counters only have to keep what was reported.
      expect(totals.recordsSucceeded).toBeGreaterThanOrEqual(atKill.recordsSucceeded + AFTER_KILL);
      expect(totals.recordsSucceeded).toBeGreaterThan(atKill.recordsSucceeded);
      expect(totals.invocations).toBeGreaterThan(atKill.invocations);
      expect(workers.cpuMicros().forward).toBeGreaterThan(cpuAtKill);
      expect(workers.peakRssMb().forward).toBeGreaterThanOrEqual(rssAtKill);

      const copies = await copiesOnToyOut(run, outStart, await endOffsets(admin, TOY_TOPIC.out));
      let lost = 0;
      let twiceBelowCommitted = 0;
      let redelivered = 0;
      for (let i = 0; i < total; i++) {
        const n = copies.get(i) ?? 0;
        const { partition, offset } = sourceOffsets.get(i)!;
        if (n === 0) lost++;
        if (offset < (committedAtKill.get(partition) ?? 0)) {
          if (n !== 1) twiceBelowCommitted++;
        } else if (n > 1) redelivered++;
      }
      console.log(
        `supervision: ${total} records, kill after ${atKill.recordsSucceeded} done (${sum(endAtKill) - sum(committedAtKill)} uncommitted), ` +
          `new worker running ${recoveredMs} ms after the kill, ${redelivered} record(s) forwarded twice (in flight at the kill), ${lost} lost`,
      );
      expect(lost).toBe(0);
      // Below the offsets committed at the kill nothing came again: the successor resumed there.
      expect(twiceBelowCommitted).toBe(0);
      expect(copies.size).toBe(total);
    } finally {
      if (!ended) await workers.kill();
    }
  });

  it('leaves a killed worker dead with supervise: false, and reports it once', async () => {
    const errors: string[] = [];
    const workers = await startStageWorkers({
      pipeline: TOY_PIPELINE,
      pipelineModule: TOY_PIPELINE_MODULE,
      brokers,
      stages: ['forward'],
      mappingOverrides: { consumerGroupId: `it-supervision-off.${randomUUID().slice(0, 8)}` },
      supervise: false,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    try {
      process.kill(workers.workerPids().forward!, 'SIGKILL');
      await waitFor('the death reported', () => errors.some((e) => e.includes('exited unexpectedly')));
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(workers.workerPids()).toEqual({});
      expect(workers.restarts()).toEqual({ forward: 0 });
      expect(errors.filter((e) => e.includes('forward worker'))).toEqual([
        'forward worker exited unexpectedly (code null, signal SIGKILL)',
      ]);
    } finally {
      await workers.stop();
    }
  });

  it('starts nothing again when stopped while a replacement waits out its backoff', async () => {
    const errors: string[] = [];
    const workers = await startStageWorkers({
      pipeline: TOY_PIPELINE,
      pipelineModule: TOY_PIPELINE_MODULE,
      brokers,
      stages: ['forward'],
      mappingOverrides: { consumerGroupId: `it-supervision-stop.${randomUUID().slice(0, 8)}` },
      restartPolicy: { initialDelayMs: 2_000, maxDelayMs: 2_000, resetAfterMs: 60_000 },
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    process.kill(workers.workerPids().forward!, 'SIGKILL');
    await waitFor('the death reported', () => errors.some((e) => e.includes('starting a new one in 2.0 s')));
    const stopping = Date.now();
    await workers.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(workers.restarts()).toEqual({ forward: 0 });
    expect(workers.workerPids()).toEqual({});
  });

  it('fails to start with the reason when the worker binary cannot be spawned', async () => {
    await expect(
      startStageWorkers({
        pipeline: TOY_PIPELINE,
        pipelineModule: TOY_PIPELINE_MODULE,
        brokers,
        stages: ['forward'],
        workerExecPath: '/nonexistent/node',
      }),
    ).rejects.toThrow(/forward worker could not start: spawn \/nonexistent\/node ENOENT/);
  });
});
