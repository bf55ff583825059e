/**
 * Lambda handler of the commerce routing stage: `commerce.validated` → `payments` | `orders` |
 * `user-events` (KiVendTout's rule), or `commerce.rejected` for a record that is not a valid event.
 * Configuration is validated and the Kafka producer created once per execution environment.
 */
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';
import { commerceRoutingStage } from '../../shared/commerce/stages/routing-stage.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(commerceRoutingStage(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
