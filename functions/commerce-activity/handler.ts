/**
 * Lambda handler of the commerce activity stage: `user-events` → activity storage by user and
 * day (Amazon Keyspaces in AWS, Cassandra locally); records that are not user events →
 * `commerce.rejected`; write failures are reported for retry, then `users-dlq`. Both
 * configurations (Kafka, Cassandra/Keyspaces) are validated at cold start; the Cassandra client
 * connects on the first batch and is reused by every later invocation.
 */

import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';
import { activityStageFromEnv } from '../../shared/commerce/stages/activity-stage-from-env.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';

export const handler = createKafkaHandler(activityStageFromEnv(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
