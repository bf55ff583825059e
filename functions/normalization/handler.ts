/**
 * Lambda handler of the normalization stage: `cdr.validated` → `cdr.normalized` | `cdr.rejected`.
 * Configuration is validated and the Kafka producer created once per execution environment.
 */
import { CDR_PIPELINE } from '../../shared/cdr/pipeline.ts';
import { normalizationStage } from '../../shared/cdr/stages/normalization-stage.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(normalizationStage(), { piiKeys: CDR_PIPELINE.piiKeys });
