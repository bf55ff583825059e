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
import { waitUntilIdle } from '../../../localstack/main-job/wait-until-idle.ts';
import { TOY_PIPELINE } from '../../fixtures/toy-pipeline/pipeline.ts';

/** A cluster where every topic has one empty partition; `fail(call)` may throw instead. */
let refreshes = 0;
function fakeAdmin(fail: (call: number) => Error | undefined): Admin {
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
      return [{ partition: 0, offset: '0', high: '0', low: '0' }];
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

function watch(admin: Admin, stallTimeoutMs: number) {
  const shown: unknown[] = [];
  return {
    shown,
    run: () =>
      waitUntilIdle({
        kafka: {} as Kafka,
        admin,
        definition: TOY_PIPELINE,
        pipeline: { stageTotals: () => ({}) } as unknown as RunningPipeline,
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
    await expect(w.run()).resolves.toBe(true);
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
});
