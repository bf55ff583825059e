/**
 * Lambda handler of the enrichment stage: `cdr.normalized` → `cdr.enriched` | `cdr.rejected`.
 * Reference data (cells, subscribers) comes from the DynamoDB tables through one client and one
 * TTL cache per execution environment; Kafka and DynamoDB settings are validated at cold start.
 */
import { CDR_PIPELINE } from '../../shared/cdr/pipeline.ts';
import { sharedReferenceData } from '../../shared/cdr/reference-data/dynamo-reference-data.ts';
import { enrichmentStage } from '../../shared/cdr/stages/enrichment-stage.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(enrichmentStage(sharedReferenceData()), {
  piiKeys: CDR_PIPELINE.piiKeys,
});
