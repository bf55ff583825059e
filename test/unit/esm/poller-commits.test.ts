/**
 * The poller (localstack/esm/poller.ts) counts an offset as committed only once the broker
 * acknowledged it (kafkajs' COMMIT_OFFSETS event), not when `commitOffsets` resolved: kafkajs
 * resolves it without committing while its runner restarts after a crash (a broker failover),
 * and a poller that believed those offsets committed never asked again once its partitions went
 * quiet (the stalled short broker-kill fault run). A fake kafkajs consumer plays the broker.
 */
import kafkajs, { type EachBatchPayload, type Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { emptyMappingCounters } from '../../../localstack/esm/event-source-mapping.ts';
import { mappingSettingsOf } from '../../../localstack/esm/pipeline.ts';
import { Poller } from '../../../localstack/esm/poller.ts';
import { TOY_PIPELINE, TOY_TOPIC } from '../../fixtures/toy-pipeline/pipeline.ts';
import { waitFor } from '../../integration/esm/harness.ts';

const forward = TOY_PIPELINE.stages.find((s) => s.name === 'forward')!;
const config = mappingSettingsOf(TOY_PIPELINE, forward)[0]!;
/** kafkajs' consumer event names (a consumer that never connects only lends them). */
const { events } = new kafkajs.Kafka({
  brokers: ['127.0.0.1:1'],
  logLevel: kafkajs.logLevel.NOTHING,
}).consumer({
  groupId: 'unused',
});

type Listener = (event: { payload: unknown }) => void;

/**
 * A consumer whose `commitOffsets` resolves without committing (as kafkajs does while its runner
 * is not running) until `brokerBack()`, then commits and emits COMMIT_OFFSETS as kafkajs does.
 */
function fakeKafka() {
  const listeners = new Map<string, Listener[]>();
  const emit = (name: string, payload: unknown) => {
    for (const l of listeners.get(name) ?? []) l({ payload });
  };
  let running = false;
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const brokerCommitted = new Map<number, number>();
  const calls: number[] = [];
  const consumer = {
    events,
    on: (name: string, listener: Listener) => {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => undefined;
    },
    connect: async () => undefined,
    disconnect: async () => undefined,
    subscribe: async () => undefined,
    run: async (options: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = options.eachBatch;
      emit(events.GROUP_JOIN, { memberAssignment: { [TOY_TOPIC.in]: [0] } });
    },
    commitOffsets: async (offsets: { topic: string; partition: number; offset: string }[]) => {
      calls.push(Date.now());
      if (!running) return; // runner.js: "consumer not running, exiting"
      for (const o of offsets) brokerCommitted.set(o.partition, Number(o.offset));
      emit(events.COMMIT_OFFSETS, {
        topics: [
          {
            topic: TOY_TOPIC.in,
            partitions: offsets.map(({ partition, offset }) => ({ partition, offset })),
          },
        ],
      });
    },
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    brokerCommitted,
    calls,
    brokerBack: () => {
      running = true;
    },
    /** Delivers records at offsets 0…n-1 of partition 0, as a fetch would. */
    fetch: (n: number) =>
      eachBatch!({
        batch: {
          topic: TOY_TOPIC.in,
          partition: 0,
          messages: Array.from({ length: n }, (_, i) => ({
            offset: String(i),
            key: Buffer.from(`k${i}`),
            value: Buffer.from(`v${i}`),
            timestamp: String(Date.now()),
            headers: {},
            attributes: 0,
          })),
        },
        resolveOffset: () => undefined,
        heartbeat: async () => undefined,
        isRunning: () => true,
        isStale: () => false,
      } as unknown as EachBatchPayload),
  };
}

describe('poller commits', () => {
  it('asks again for a commit kafkajs skipped, and counts only what the broker acknowledged', async () => {
    const fake = fakeKafka();
    const counters = emptyMappingCounters({
      stage: forward.name,
      topic: config.topic,
      consumerGroupId: config.consumerGroupId,
      pollers: 1,
    });
    const poller = new Poller({
      kafka: fake.kafka,
      config,
      handler: async () => undefined,
      source: { bootstrapServers: '127.0.0.1:1', eventSourceArn: 'arn:aws:kafka:local' },
      counters,
      sendToOnFailure: async () => undefined,
      retryBackoffMs: 10,
      retryBackoffMaxMs: 10,
      functionTimeoutMs: 5_000,
      invocationsPerPoller: 1,
      onError: () => undefined,
    });
    await poller.start();
    try {
      await fake.fetch(5);
      await waitFor('the batch to be done', () => counters.recordsSucceeded === 5, 5_000);
      // The runner is restarting: commitOffsets resolves, nothing reaches the broker.
      await waitFor('a commit attempt', () => fake.calls.length >= 1, 5_000);
      expect(fake.brokerCommitted.size).toBe(0);
      expect(counters.commits).toBe(0);
      // The partition stays quiet (no record after these): the idle loop asks again until acknowledged.
      fake.brokerBack();
      await waitFor(
        'the offset after the batch to be committed',
        () => fake.brokerCommitted.get(0) === 5,
        5_000,
      );
      expect(counters.commits).toBe(1);
      const attempts = fake.calls.length;
      // Acknowledged: nothing more to ask.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(fake.calls.length).toBe(attempts);
    } finally {
      await poller.stop();
    }
  });
});
