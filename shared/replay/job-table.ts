/**
 * Creates the replay job table locally from its definition as data (`REPLAY_JOB_TABLE` in
 * `shared/pipeline/replay.ts`, which CDK reads too), and names the job's own item.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REPLAY_JOB_TABLE } from '../pipeline/replay.ts';
import { ensureTables } from '../storage/dynamodb/tables.ts';

/** `partition` value of a job's own item. */
export const JOB_ITEM_PARTITION = -1;

/**
 * Creates the table if it does not exist (local runs; in AWS, CDK creates it), with DynamoDB's
 * TTL on its expiry attribute, and waits until it is active — the same setup as every store's
 * tables (`ensureTables`). The replay function is given the table's full name, not a prefix.
 *
 * @example await ensureReplayJobTable(documentClient, 'orion-replay-jobs')
 */
export async function ensureReplayJobTable(
  documentClient: DynamoDBDocumentClient,
  tableName: string = REPLAY_JOB_TABLE.tableName,
): Promise<void> {
  await ensureTables(documentClient, [{ ...REPLAY_JOB_TABLE, suffix: '' }], tableName);
}
