/**
 * What a pipeline's replay function needs as data: the DynamoDB table holding replay jobs and
 * their per-partition checkpoints (CDK creates it in AWS, `ensureReplayJobTable` locally), the
 * variable that names it, the prefix of the replay reader's transient consumer groups, and the
 * topics an operator may replay from.
 *
 * Table items: one job item (`partition = -1`: request identity, lock owner and lease, status)
 * and one item per source partition (`partition = n`: range `[start, end)`, `next` offset, the
 * batch being published if any, cumulative counters).
 */
import type { DynamoDbKeyAttribute, DynamoDbTableSpec, PipelineDefinition } from './types.ts';

/** The replay job table: a DynamoDB table spec plus what a function needs to find it. */
export interface ReplayJobTableSpec extends DynamoDbTableSpec {
  /**
   * Table name when {@link tableNameVariable} is unset (local runs): `orion-` + `suffix`. CDK
   * names it per environment, `orion-<env>-` + `suffix`, and passes that name in the variable.
   */
  readonly tableName: string;
  /** The environment variable the replay function reads the table's name from. */
  readonly tableNameVariable: string;
  readonly sortKey: DynamoDbKeyAttribute;
  readonly timeToLiveAttribute: string;
  readonly billingMode: 'PAY_PER_REQUEST';
}

const REPLAY_JOB_TABLE_SUFFIX = 'replay-jobs';

/**
 * The replay job table.
 * @example new dynamodb.Table(this, 'JobTable', { partitionKey: { name: REPLAY_JOB_TABLE.partitionKey.name, … } })
 */
export const REPLAY_JOB_TABLE = {
  suffix: REPLAY_JOB_TABLE_SUFFIX,
  tableName: `orion-${REPLAY_JOB_TABLE_SUFFIX}`,
  tableNameVariable: 'REPLAY_JOB_TABLE',
  partitionKey: { name: 'jobId', type: 'S' },
  sortKey: { name: 'partition', type: 'N' },
  billingMode: 'PAY_PER_REQUEST',
  /** Epoch seconds after which DynamoDB may delete an item. */
  timeToLiveAttribute: 'expiresAt',
  description: 'Replay jobs (lock, lease, status) and their per-partition checkpoints',
} as const satisfies ReplayJobTableSpec;

/**
 * Prefix of the replay reader's consumer groups (`<prefix><uuid>`): one per read, never
 * committed, deleted when the read ends. Its IAM grant names them with `<prefix>*`.
 */
export const REPLAY_READER_GROUP_PREFIX = 'orion-replay-reader.';

/**
 * The topics an operator may replay from: the replay spec's `sourceTopics`, else the pipeline's
 * dead-letter topics and its reject topic. The first is the default source of a request.
 *
 * @example replaySourceTopicsOf(pipeline) // ['orders.dlq', 'orders.rejected']
 */
export function replaySourceTopicsOf(
  pipeline: Pick<PipelineDefinition, 'replay' | 'deadLetterTopics' | 'rejectTopic'>,
): readonly string[] {
  return pipeline.replay?.sourceTopics ?? [...pipeline.deadLetterTopics, pipeline.rejectTopic];
}
