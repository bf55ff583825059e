/**
 * Lambda handler of the commerce fraud stage: `payments` → `fraud-alerts` (one alert per
 * customer, rule and window, keyed by customer id) | `commerce.rejected` (unreadable records);
 * the per-customer window state is in DynamoDB (`<FRAUD_STATE_TABLE_PREFIX>fraud-windows`, TTL on
 * `expiresAt`), written once the alerts are acknowledged; its failures are reported for retry,
 * then `payments-dlq`. Kafka and DynamoDB settings are validated at cold start; customer ids,
 * cards and devices are masked in logs.
 */
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';
import { fraudStageFromEnv } from '../../shared/commerce/stages/fraud-stage-from-env.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(fraudStageFromEnv(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
