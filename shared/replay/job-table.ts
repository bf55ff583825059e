/**
 * The DynamoDB table that holds replay jobs and their per-partition checkpoints, declared as data
 * so that CDK (`lib/`) and the local setup create the same table.
 *
 * Items: one job item (`partition = -1`: request identity, lock owner and lease, status) and one
 * item per source partition (`partition = n`: range `[start, end)`, `next` offset, the batch being
 * published if any, cumulative counters).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Definition of the replay job table. */
export const REPLAY_JOB_TABLE = {
  /** Default table name; the function reads `REPLAY_JOB_TABLE` from its environment. */
  tableName: 'orion-replay-jobs',
  partitionKey: { name: 'jobId', type: 'S' },
  sortKey: { name: 'partition', type: 'N' },
  billingMode: 'PAY_PER_REQUEST',
  /** Epoch seconds after which DynamoDB may delete an item. */
  timeToLiveAttribute: 'expiresAt',
} as const;

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
