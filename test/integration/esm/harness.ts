/**
 * Test harness for the ESM emulator against the real broker: a private source topic and on-failure
 * topic per test (`esm-test.<uuid>`), a producer, a mapping starter and readers.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import {
  type EventSourceMappingHandle,
  startEventSourceMapping,
} from '../../../localstack/esm/event-source-mapping.ts';
import { handlerPathOf, loadHandler } from '../../../localstack/esm/handler-loader.ts';
import type { EmulatorOptions, KafkaEventHandler } from '../../../localstack/esm/types.ts';
import { PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import {
  type EventSourceMappingSettings,
  validateEventSourceMappingSettings,
} from '../../../shared/pipeline/esm-settings.ts';
import type { PipelineDefinition, StageSpec } from '../../../shared/pipeline/types.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';

/** A test's private topics and clients. */
export interface EsmTestContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly dlq: string;
  readonly group: string;
  /** Mapping settings for this test's topic (fast retries, no window). */
  config(overrides?: Partial<EventSourceMappingSettings>): EventSourceMappingSettings;
  start(
    handler: KafkaEventHandler,
    overrides?: Partial<EventSourceMappingSettings>,
    options?: EmulatorOptions,
  ): Promise<EventSourceMappingHandle>;
  /** Produces `count` records `{i}` keyed `k<i>` round-robin over partitions (or as given). */
  produce(messages: Message[]): Promise<void>;
  /** Reads every record of `topic` until `count` are read or `timeoutMs` passes. */
  readAll(
    topic: string,
    count: number,
    timeoutMs?: number,
  ): Promise<Array<{ key: Buffer | null; value: Buffer | null; partition: number; offset: number }>>;
  /** Committed offset per partition of the test's group (-1 when none). */
  committed(group?: string): Promise<Map<number, number>>;
  close(): Promise<void>;
}

/**
 * Creates the topics and clients of one test.
 * @example const ctx = await esmTestContext(3);
 */
export async function esmTestContext(partitions = 1): Promise<EsmTestContext> {
  const id = randomUUID().slice(0, 8);
  const topic = `esm-test.${id}`;
  const dlq = `esm-test.${id}.dlq`;
  const group = `esm-test.${id}.group`;
  const brokers = testEndpoints().kafkaBrokers;
  const kafka = testKafka(`esm-test-${id}`, brokers);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: partitions, replicationFactor: 1 },
      { topic: dlq, numPartitions: 2, replicationFactor: 1 },
    ],
  });
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const mappings: EventSourceMappingHandle[] = [];

  const config = (overrides: Partial<EventSourceMappingSettings> = {}) =>
    validateEventSourceMappingSettings({
      functionName: 'esm-test',
      topic,
      consumerGroupId: group,
      batchSize: 100,
      maximumBatchingWindowInSeconds: 0,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 2,
      maximumRecordAgeInSeconds: -1,
      bisectBatchOnFunctionError: false,
      functionResponseTypes: ['ReportBatchItemFailures'],
      onFailureDestination: `kafka://${dlq}`,
      provisionedPollers: { minimum: 1, maximum: 4 },
      ...overrides,
    });

  return {
    kafka,
    admin,
    producer,
    brokers,
    topic,
    dlq,
    group,
    config,
    async start(handler, overrides = {}, options = {}) {
      const mapping = await startEventSourceMapping({
        kafka,
        brokers,
        producer,
        stage: 'esm-test',
        handler,
        config: config(overrides),
        retryBackoffMs: 10,
        retryBackoffMaxMs: 50,
        ...options,
      });
      mappings.push(mapping);
      return mapping;
    },
    async produce(messages) {
      for (let i = 0; i < messages.length; i += 5000) {
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 5000) });
      }
    },
    async readAll(from, count, timeoutMs = 20_000) {
      const out: Array<{ key: Buffer | null; value: Buffer | null; partition: number; offset: number }> = [];
      const consumer = kafka.consumer({ groupId: `esm-test-reader.${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: from, fromBeginning: true });
      let done: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          out.push({ key: message.key, value: message.value, partition, offset: Number(message.offset) });
          if (out.length >= count) done();
        },
      });
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      await consumer.disconnect();
      return out;
    },
    async committed(g = group) {
      const [offsets] = await admin.fetchOffsets({ groupId: g, topics: [topic] });
      return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    },
    async close() {
      await Promise.allSettled(mappings.map((m) => m.stop()));
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic, dlq] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** `count` messages keyed `k<i>` with value `<i>`, spread over `partitions` explicitly. */
export function numbered(count: number, partitions = 1, from = 0): Message[] {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    return { key: `k${i}`, value: String(i), partition: i % partitions };
  });
}

/** Polls `check` every 50 ms until it is true; throws with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Closes the clients a stage's handler module opened, in the instance the emulator imported for
 * `environment` (a mapping's consumer group: one module instance per mapping environment). A
 * handler without `close` (or that never loaded) is left as it is.
 */
export async function closeStageHandler(
  pipeline: PipelineDefinition,
  stage: StageSpec,
  environment: string,
): Promise<void> {
  const handler = await loadHandler(
    { kind: 'module', path: handlerPathOf(pipeline, stage, false) },
    environment,
  ).catch(() => undefined);
  await (handler as { close?: () => Promise<void> } | undefined)?.close?.().catch(() => undefined);
}
