/**
 * Lambda handler of the validation stage: `cdr.raw.<cc>` → `cdr.validated` | `cdr.rejected`.
 * Configuration is validated and the Kafka producer created once per execution environment.
 */
import { CDR_PIPELINE } from '../../shared/cdr/pipeline.ts';
import { validationStage } from '../../shared/cdr/stages/validation-stage.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(validationStage(), { piiKeys: CDR_PIPELINE.piiKeys });
