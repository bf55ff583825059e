/**
 * The activity stage as the Lambda handler wires it: Cassandra / Keyspaces configuration validated
 * from the environment at cold start (a wrong setting fails the init with a message naming the
 * variable), the client connected lazily on the first batch and reused by every later invocation
 * of the execution environment. A failed connect fails that batch's records transiently and is
 * retried on the next batch.
 */
import type { Stage } from '../../runtime/stage.ts';
import { onSharedCassandraClient } from '../../storage/cassandra/client.ts';
import { cassandraConfigFromEnv } from '../../storage/cassandra/config.ts';
import { ActivityRepository } from '../storage/activity-repository.ts';
import { activityStage } from './activity-stage.ts';

/**
 * @example
 * // functions/commerce-activity/handler.ts
 * export const handler = createKafkaHandler(activityStageFromEnv(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
 */
export function activityStageFromEnv(env: NodeJS.ProcessEnv = process.env): Stage {
  const config = cassandraConfigFromEnv(env);
  return activityStage({
    writer: onSharedCassandraClient(config, (client) => new ActivityRepository(client, config)),
  });
}
