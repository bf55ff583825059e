/**
 * Lambda handler of the order consumer: Kafka `orders` (the ORDER API's `order_created` events
 * from its outbox, and the commerce pipeline's routed `checkout` / `order_completed`) → the event
 * store in DynamoDB (`<ORDER_EVENTS_TABLE_PREFIX>order-events` / `order-state` / `order-event-ids`),
 * one version per event, each event id stored once; unreadable records → `commerce.rejected`;
 * store failures are reported for retry, then `orders-dlq`. Kafka and DynamoDB settings are
 * validated at cold start; customer data is masked in logs, which carry the batch's correlation
 * id; a Powertools Tracer adds X-Ray subsegments in Lambda (disabled elsewhere).
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import {
  ORDER_CONSUMER_PII_KEYS,
  ORDER_CONSUMER_STAGE,
} from '../../shared/commerce/orders/order-consumer-stage.ts';
import { orderConsumerStageFromEnv } from '../../shared/commerce/orders/order-consumer-stage-from-env.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import { loadRuntimeConfig } from '../../shared/runtime/config.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

const config = loadRuntimeConfig();
const logger = createLogger({
  serviceName: config.serviceName,
  persistentKeys: { stage: ORDER_CONSUMER_STAGE },
  piiKeys: ORDER_CONSUMER_PII_KEYS,
});
const tracer = new Tracer({ serviceName: config.serviceName });

export const handler = createKafkaHandler(orderConsumerStageFromEnv(process.env, { logger, tracer }), {
  config,
  logger,
});
