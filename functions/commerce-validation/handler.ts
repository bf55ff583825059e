/**
 * Lambda handler of the commerce validation stage: `raw-events` → `commerce.validated` |
 * `commerce.rejected`, with valid/invalid counts per event type as EMF metrics.
 * Configuration is validated and the Kafka producer created once per execution environment.
 */
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';
import { commerceValidationStage } from '../../shared/commerce/stages/validation-stage.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(commerceValidationStage(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
