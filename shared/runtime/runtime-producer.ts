/**
 * The Kafka producer of a function's execution environment, from its runtime configuration:
 * created once at module scope, connected lazily, reused by every invocation.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createKafka, createKafkaConnections } from '../kafka/client.ts';
import { type BatchProducer, createBatchProducer } from '../kafka/producer.ts';
import type { RuntimeConfig } from './config.ts';

/** A producer and how to disconnect it (tests, local runs; Lambda just freezes it). */
export interface RuntimeProducer {
  readonly producer: BatchProducer;
  close(): Promise<void>;
}

/**
 * The batched, idempotent producer for `config` (brokers, auth, region, client id, produce timeout),
 * logging kafkajs' warnings through `logger`.
 * @example const { producer, close } = createRuntimeProducer(loadRuntimeConfig(), logger);
 */
export function createRuntimeProducer(config: RuntimeConfig, logger: Logger): RuntimeProducer {
  const connections = createKafkaConnections(
    createKafka({
      brokers: config.brokers,
      auth: config.auth,
      region: config.region,
      clientId: config.clientId,
      logger,
    }),
  );
  return {
    producer: createBatchProducer(connections, { timeoutMs: config.produceTimeoutMs }),
    close: () => connections.disconnect(),
  };
}
