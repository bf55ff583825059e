/**
 * Lambda handler of the outbox publisher: the `order-outbox` table's DynamoDB stream → Kafka
 * `orders` (key = order id, the entry's payload unchanged, its headers: traceparent, correlation
 * id, event id and type), then each entry marked `published_at`; malformed entries →
 * `commerce.rejected` with a reason; `REMOVE` (TTL) and `MODIFY` (the mark) records skipped.
 * At-least-once and in order per order: the partial batch response names the first record not
 * done. Kafka settings are validated at cold start; the producer and the DynamoDB client are
 * created once per execution environment. See `shared/commerce/orders/outbox-publisher.ts`.
 */
import { outboxPublisherFromEnv } from '../../shared/commerce/orders/outbox-publisher-from-env.ts';
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';

export const handler = outboxPublisherFromEnv({ piiKeys: COMMERCE_PIPELINE.piiKeys });
