/**
 * One Kafka event source mapping: its pollers (consumers of one group on one topic) and their
 * shared counters. In provisioned mode AWS runs between `MinimumPollers` and `MaximumPollers`
 * event pollers per mapping (https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html);
 * locally the number of pollers is fixed at start (default: the minimum) and each poller is one
 * consumer of the group, so partitions are spread over them by the group protocol.
 */
import type { Kafka, Producer } from 'kafkajs';
import { type EventSourceMappingSettings, onFailureTopicOf } from '../../shared/pipeline/esm-settings.ts';
import type { ExhaustedRecord } from './batch-processor.ts';
import { functionArnOf } from './lambda-context.ts';
import { buildOnFailureMessage } from './on-failure-record.ts';
import { Poller } from './poller.ts';
import type { EmulatorOptions, KafkaEventHandler, MappingCounters } from './types.ts';

/** A running mapping. */
export interface EventSourceMappingHandle {
  readonly config: EventSourceMappingSettings;
  readonly counters: MappingCounters;
  /** Finishes in-flight batches, commits, disconnects. */
  stop(): Promise<void>;
  /** Disconnects at once without committing (a crash, for tests). */
  kill(): Promise<void>;
}

/** What {@link startEventSourceMapping} needs. */
export interface StartMappingOptions extends EmulatorOptions {
  readonly kafka: Kafka;
  readonly brokers: readonly string[];
  readonly stage: string;
  /** The mapping's AWS settings, validated (see `eventSourceMappingSettings`). */
  readonly config: EventSourceMappingSettings;
  readonly handler: KafkaEventHandler;
  /** Producer for the on-failure destination (idempotent, acks=all); required when one is set. */
  readonly producer?: Producer;
  /** Invoked with errors the mapping survives (refused commits …). Default: ignore. */
  readonly onError?: (error: unknown) => void;
}

/** The local MSK cluster ARN written in events. */
export const LOCAL_CLUSTER_ARN =
  'arn:aws:kafka:us-east-1:000000000000:cluster/orion-local/00000000-0000-0000-0000-000000000000-1';

/** What names a mapping's counters: its stage, topic, consumer group and poller count. */
export type MappingIdentity = Pick<MappingCounters, 'stage' | 'topic' | 'consumerGroupId' | 'pollers'>;

/**
 * A mapping's counters before its first fetch: every count at zero.
 * @example emptyMappingCounters({ stage: 'validation', topic, consumerGroupId, pollers: 1 }).recordsIn // 0
 */
export function emptyMappingCounters(identity: MappingIdentity): MappingCounters {
  return {
    ...identity,
    recordsIn: 0,
    recordsSucceeded: 0,
    recordsOnFailure: 0,
    recordsPending: 0,
    invocations: 0,
    functionErrors: 0,
    partialFailures: 0,
    retries: 0,
    bisects: 0,
    commits: 0,
    invocationMs: 0,
  };
}

/**
 * Starts a mapping's pollers.
 * @example const esm = await startEventSourceMapping({ kafka, brokers, stage: 'validation', config, handler, producer });
 */
export async function startEventSourceMapping(
  options: StartMappingOptions,
): Promise<EventSourceMappingHandle> {
  const { config } = options;
  const pollerCount = options.pollers ?? config.provisionedPollers.minimum;
  if (!Number.isInteger(pollerCount) || pollerCount < 1 || pollerCount > config.provisionedPollers.maximum) {
    throw new Error(
      `pollers for ${config.topic} must be 1–${config.provisionedPollers.maximum} (MaximumPollers), got ${pollerCount}`,
    );
  }
  const counters = emptyMappingCounters({
    stage: options.stage,
    topic: config.topic,
    consumerGroupId: config.consumerGroupId,
    pollers: pollerCount,
  });
  const source = { bootstrapServers: options.brokers.join(','), eventSourceArn: LOCAL_CLUSTER_ARN };
  const sendToOnFailure = onFailureSender(options, source);
  const pollers = Array.from(
    { length: pollerCount },
    () =>
      new Poller({
        kafka: options.kafka,
        config,
        handler: options.handler,
        source,
        counters,
        sendToOnFailure,
        retryBackoffMs: options.retryBackoffMs ?? 500,
        retryBackoffMaxMs: options.retryBackoffMaxMs ?? 5000,
        functionTimeoutMs: options.functionTimeoutMs ?? 60_000,
        invocationsPerPoller: invocationsPerPollerOf(options),
        onError: options.onError ?? (() => {}),
      }),
  );
  await Promise.all(pollers.map((p) => p.start()));
  return {
    config,
    counters,
    stop: async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    },
    kill: async () => {
      await Promise.all(pollers.map((p) => p.kill()));
    },
  };
}

/**
 * Concurrent invocations per poller: "each event poller can handle up to … 5 concurrent
 * invocations" (https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html). Default 1.
 */
function invocationsPerPollerOf(options: EmulatorOptions): number {
  const n = options.invocationsPerPoller ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    throw new Error(
      `invocationsPerPoller must be 1–5 (AWS: up to 5 concurrent invocations per poller), got ${n}`,
    );
  }
  return n;
}

/**
 * Writes exhausted records to the `kafka://` on-failure topic in AWS's format, in one produce per
 * batch, retried until the broker takes it (the batch is not committed before). Without a
 * destination the records are dropped, as AWS "bypasses" them.
 */
function onFailureSender(
  options: StartMappingOptions,
  source: { bootstrapServers: string; eventSourceArn: string },
): (records: readonly ExhaustedRecord[]) => Promise<void> {
  const topic = onFailureTopicOf(options.config);
  if (topic === undefined) return async () => {};
  const producer = options.producer;
  if (!producer)
    throw new Error(`Mapping ${options.config.topic} has an on-failure topic but no producer was given`);
  const functionArn = functionArnOf(options.config.functionName);
  return async (records) => {
    const now = new Date();
    const messages = records.map((r) =>
      buildOnFailureMessage({ ...r, functionArn, ...source, now, invokeCount: r.invokeCount }),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({ topic, acks: -1, messages });
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  };
}
