/**
 * Lambda handler of the storage stage: `cdr.enriched` → hot storage (Cassandra locally, Amazon
 * Keyspaces in AWS); unreadable records → `cdr.rejected`; write failures are reported for retry.
 * Both configurations (Kafka, Cassandra/Keyspaces) are validated at cold start; the Cassandra
 * client connects on the first batch and is reused by every later invocation.
 */

import { CDR_PIPELINE } from '../../shared/cdr/pipeline.ts';
import { storageStageFromEnv } from '../../shared/cdr/stages/storage-stage-from-env.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(storageStageFromEnv(), { piiKeys: CDR_PIPELINE.piiKeys });
