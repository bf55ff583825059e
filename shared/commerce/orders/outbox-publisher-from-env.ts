/**
 * The outbox publisher as the Lambda handler wires it, built once per execution environment:
 * the Kafka settings validated from the environment at cold start (`KAFKA_BROKERS`, `KAFKA_AUTH`,
 * `AWS_REGION`, `KAFKA_PRODUCE_TIMEOUT_MS`: `shared/runtime/config.ts`), one idempotent producer
 * connected at the first batch and reused, the shared DynamoDB document client for the marks
 * (`DYNAMODB_ENDPOINT` locally), the outbox table from `ORDERS_TABLE_PREFIX`, a redacting logger
 * (the pipeline's PII keys and the orders' own), EMF metrics and a Powertools Tracer.
 *
 * The Tracer writes X-Ray segments in Lambda only: outside it (no `AWS_EXECUTION_ENV`) Powertools
 * turns tracing off, every call returns at once and the publisher skips its subsegments; it also
 * honours `POWERTOOLS_TRACE_ENABLED=false`. HTTP capture is off: one subsegment per produce and one
 * per mark wave, not one per `UpdateItem`.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { createLogger } from '../../observability/logger.ts';
import { createStageMetrics } from '../../observability/metrics.ts';
import { loadRuntimeConfig } from '../../runtime/config.ts';
import { createRuntimeProducer } from '../../runtime/runtime-producer.ts';
import { dynamoDbConfigFromEnv, sharedDynamoDb } from '../../storage/dynamodb/client.ts';
import { ORDER_PII_KEYS } from './constants.ts';
import {
  createDynamoOutboxMarker,
  createOutboxPublisher,
  OUTBOX_PUBLISHER_STAGE,
  type OutboxPublisherDeps,
  type OutboxPublisherHandler,
} from './outbox-publisher.ts';
import { orderTableNamesFromEnv } from './tables.ts';

/** Options of {@link outboxPublisherFromEnv}; whatever is given replaces the default built from `env`. */
export interface OutboxPublisherFromEnvOptions extends Partial<OutboxPublisherDeps> {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The pipeline's PII keys, masked beside `ORDER_PII_KEYS` by the default logger. @default none */
  readonly piiKeys?: readonly string[];
}

/**
 * The publisher's Lambda handler. Call it at module scope; `close()` disconnects the producer it
 * made (tests, local runs).
 *
 * @example
 * // functions/orders-outbox-publisher/handler.ts
 * export const handler = outboxPublisherFromEnv({ piiKeys: COMMERCE_PIPELINE.piiKeys });
 */
export function outboxPublisherFromEnv(options: OutboxPublisherFromEnvOptions = {}): OutboxPublisherHandler {
  const env = options.env ?? process.env;
  const config = options.producer ? undefined : loadRuntimeConfig(env);
  const serviceName = config?.serviceName ?? env.POWERTOOLS_SERVICE_NAME ?? 'orion';
  const logger =
    options.logger ??
    createLogger({
      serviceName,
      persistentKeys: { stage: OUTBOX_PUBLISHER_STAGE },
      piiKeys: [...new Set([...(options.piiKeys ?? []), ...ORDER_PII_KEYS])],
    });
  let close = async () => {};
  let producer = options.producer;
  if (!producer) {
    const runtime = createRuntimeProducer(config!, logger);
    producer = runtime.producer;
    close = () => runtime.close();
  }
  return createOutboxPublisher(
    {
      producer,
      marker: options.marker ?? createDynamoOutboxMarker(sharedDynamoDb(dynamoDbConfigFromEnv(env)).doc),
      logger,
      metrics: options.metrics ?? createStageMetrics(OUTBOX_PUBLISHER_STAGE, serviceName),
      outboxTable: options.outboxTable ?? orderTableNamesFromEnv(env).outbox,
      tracer: options.tracer ?? new Tracer({ serviceName, captureHTTPsRequests: false }),
      ...(options.publishTopics ? { publishTopics: options.publishTopics } : {}),
      ...(options.rejectTopic ? { rejectTopic: options.rejectTopic } : {}),
      ...(options.now ? { now: options.now } : {}),
    },
    close,
  );
}
