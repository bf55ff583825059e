/**
 * The storage stage as the Lambda handler wires it: configuration validated from the environment
 * at cold start (a wrong setting fails the init with a clear message), Cassandra / Keyspaces
 * connected lazily on the first batch and reused by every later invocation of the environment.
 * A failed connect fails that batch's records transiently and is retried on the next batch.
 */

import type { Stage } from '../../runtime/stage.ts';
import { onSharedCassandraClient } from '../../storage/cassandra/client.ts';
import { cassandraConfigFromEnv } from '../../storage/cassandra/config.ts';
import { CdrRepository } from '../storage/cdr-repository.ts';
import { storageStage } from './storage-stage.ts';

/**
 * @example
 * // functions/storage/handler.ts
 * export const handler = createKafkaHandler(storageStageFromEnv());
 */
export function storageStageFromEnv(env: NodeJS.ProcessEnv = process.env): Stage {
  const config = cassandraConfigFromEnv(env);
  return storageStage({
    writer: onSharedCassandraClient(config, (client) => new CdrRepository(client, config)),
  });
}
