/**
 * Creates the replay job table locally from its definition as data (`REPLAY_JOB_TABLE` in
 * `shared/pipeline/replay.ts`, which CDK reads too), and names the job's own item.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REPLAY_JOB_TABLE } from '../pipeline/replay.ts';

/** `partition` value of a job's own item. */
export const JOB_ITEM_PARTITION = -1;

/**
 * Creates the table if it does not exist (local runs; in AWS, CDK creates it) and waits until it
 * is active.
 *
 * @example await ensureReplayJobTable(documentClient, 'orion-replay-jobs')
 */
export async function ensureReplayJobTable(
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string = REPLAY_JOB_TABLE.tableName,
): Promise<void> {
  // A document client is a DynamoDB client with marshalling added to its own commands only, so
  // table commands and the waiter go through it unchanged.
  const client = dynamo as DynamoDBClient;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const { partitionKey, sortKey, billingMode } = REPLAY_JOB_TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: billingMode,
        AttributeDefinitions: [
          { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
          { AttributeName: sortKey.name, AttributeType: sortKey.type },
        ],
        KeySchema: [
          { AttributeName: partitionKey.name, KeyType: 'HASH' },
          { AttributeName: sortKey.name, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    // Created meanwhile by a concurrent caller: fine.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
}
