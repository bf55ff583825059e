/**
 * waitUntilIdle (localstack/main-job/wait-until-idle.ts) against a fake admin: a broker away for a
 * few polls (kafkajs' admin then throws a retriable connection error, without retrying itself)
 * skips those polls instead of failing the run; an outage longer than the stall timeout, or an
 * error that is not retriable, still fails it.
 */
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { RunningPipeline } from '../../../localstack/esm/pipeline.ts';
import type { ProgressView } from '../../../localstack/main-job/progress.ts';
import { describeStall, waitUntilIdle } from '../../../localstack/main-job/wait-until-idle.ts';
import { TOY_PIPELINE } from '../../fixtures/toy-pipeline/pipeline.ts';

/**
 * A cluster where every topic has one partition, empty unless `end` is given (the groups have
 * committed 0); `fail(call)` may throw instead.
 */
let refreshes = 0;
function fakeAdmin(fail: (call: number) => Error | undefined, end = 0): Admin {
  let calls = 0;
  const guard = () => {
    const error = fail(++calls);
    if (error) throw error;
  };
  return {
    listTopics: async () => {
      guard();
      return TOY_PIPELINE.topics.map((t) => t.name);
    },
    fetchTopicOffsets: async () => {
      guard();
      return [{ partition: 0, offset: String(end), high: String(end), low: '0' }];
    },
    fetchOffsets: async ({ topics }: { topics: string[] }) =>
      topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: '0' }] })),
    listGroups: async () => {
      refreshes++;
      return { groups: [] };
    },
  } as unknown as Admin;
}

const connectionRefused = () =>
  new kafkajs.KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:21094');

function watch(admin: Admin, stallTimeoutMs: number, pending: Record<string, number> = {}) {
  const shown: unknown[] = [];
  return {
    shown,
    run: () =>
      waitUntilIdle({
        kafka: {} as Kafka,
        admin,
        definition: TOY_PIPELINE,
        pipeline: {
          stageTotals: () =>
            Object.fromEntries(Object.entries(pending).map(([stage, n]) => [stage, { recordsPending: n }])),
        } as unknown as RunningPipeline,
        view: { show: (v: unknown) => shown.push(v) } as unknown as ProgressView,
        rejectedFrom: new Map(),
        dlqFrom: new Map(),
        producer: () => ({ generated: 0, generating: false }),
        stallTimeoutMs,
        pollMs: 5,
      }),
  };
}

describe('waitUntilIdle', () => {
  it('rides out a broker that is away for a few polls', async () => {
    const w = watch(
      fakeAdmin((call) => (call <= 12 ? connectionRefused() : undefined)),
      10_000,
    );
    refreshes = 0;
    await expect(w.run()).resolves.toEqual({ idle: true });
    expect(w.shown.length).toBeGreaterThanOrEqual(2); // the polls after the outage
    expect(refreshes).toBeGreaterThan(0); // the admin's metadata refreshed after a failed poll
  });

  it('fails when the broker stays away longer than the stall timeout', async () => {
    const w = watch(
      fakeAdmin(() => connectionRefused()),
      100,
    );
    await expect(w.run()).rejects.toThrow(/ECONNREFUSED/);
    expect(w.shown).toEqual([]);
  });

  it('fails at once on an error that is not retriable', async () => {
    const w = watch(
      fakeAdmin(() => new kafkajs.KafkaJSNonRetriableError('Invalid topic')),
      10_000,
    );
    const started = Date.now();
    await expect(w.run()).rejects.toThrow(/Invalid topic/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives up when nothing moves for the stall timeout, and says which partitions lag and what is pending', async () => {
    const w = watch(
      fakeAdmin(() => undefined, 7),
      50,
      { forward: 3 },
    );
    const outcome = await w.run();
    expect(outcome.idle).toBe(false);
    if (outcome.idle) return;
    // Every toy mapping's group committed 0 of 7 on its one partition.
    expect(outcome.stall.laggingPartitions).toContainEqual({
      stage: 'forward',
      topic: 'toy.in',
      partition: 0,
      committed: 0,
      end: 7,
    });
    expect(outcome.stall.pendingByStage).toEqual({ forward: 3 });
    expect(describeStall(outcome.stall)).toMatch(
      /^forward toy\.in\[0\] committed 0 of 7; .*pending forward 3$/,
    );
  });
});
