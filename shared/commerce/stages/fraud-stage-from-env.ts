/**
 * The fraud stage as the Lambda handler wires it: the DynamoDB settings (`DYNAMODB_ENDPOINT`,
 * `AWS_REGION`) and the window-state table prefix (`FRAUD_STATE_TABLE_PREFIX`, default
 * `orion-commerce-`) validated from the environment at cold start (a wrong setting fails the init
 * with a clear message); one document client per execution environment, reused by every
 * invocation (DynamoDB's client opens no connection before the first call).
 */

import { dynamoDbTableNameOf } from '../../pipeline/definition.ts';
import type { Stage } from '../../runtime/stage.ts';
import { dynamoDbConfigFromEnv, sharedDynamoDb } from '../../storage/dynamodb/client.ts';
import { tablePrefixFromEnv } from '../../storage/dynamodb/tables.ts';
import { FraudStateRepository } from '../fraud/state-repository.ts';
import { FRAUD_STATE_STORE } from '../fraud/state-table.ts';
import { type FraudStageDeps, fraudStage } from './fraud-stage.ts';

/**
 * The physical name of the window-state table from the environment.
 * @example fraudStateTableFromEnv({ FRAUD_STATE_TABLE_PREFIX: 'orion-dev-' }) // 'orion-dev-fraud-windows'
 */
export function fraudStateTableFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return dynamoDbTableNameOf(FRAUD_STATE_STORE.tables[0], tablePrefixFromEnv(FRAUD_STATE_STORE, env));
}

/**
 * @example
 * // functions/commerce-fraud/handler.ts
 * export const handler = createKafkaHandler(fraudStageFromEnv(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
 */
export function fraudStageFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: Omit<FraudStageDeps, 'store'> = {},
): Stage {
  const table = fraudStateTableFromEnv(env);
  const { doc } = sharedDynamoDb(dynamoDbConfigFromEnv(env));
  return fraudStage({ ...options, store: new FraudStateRepository(doc, { table }) });
}
