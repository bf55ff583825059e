/**
 * Replay job state in DynamoDB (table `REPLAY_JOB_TABLE`): the job item with its lock, and
 * one checkpoint item per partition. Every write is conditional, so two invocations of the same
 * job can never both advance it, and a checkpoint never moves backwards.
 *
 * Protocol per batch (see `replay-job.ts` for the guarantee it gives):
 * 1. `beginBatch`: record `pendingEnd` (the batch's exclusive end) — only if `next` is still the
 *    offset this invocation expects and it still owns the job's lock;
 * 2. publish the batch (one awaited `sendBatch`);
 * 3. `commitBatch`: `next = pendingEnd`, add the batch's counters, clear `pendingEnd`, renew the
 *    lease — in one transaction, on the same conditions.
 * An item found with `pendingEnd` set means an invocation died between 1 and 3.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { REPLAY_JOB_TABLE } from '../pipeline/replay.ts';
import { REPLAY_DEFAULTS } from './constants.ts';
import { ReplayError } from './errors.ts';
import { JOB_ITEM_PARTITION } from './job-table.ts';
import type { PartitionRange } from './partition-range.ts';
import { emptyCounters, type ReplayCounters } from './summary.ts';

/** The job item. */
export interface JobState {
  readonly jobId: string;
  readonly identity: string;
  readonly source: string;
  readonly createdAt: number;
  readonly status: 'running' | 'partial' | 'done';
  readonly owner?: string;
  readonly leaseUntil?: number;
}

/** One partition's checkpoint. */
export interface PartitionCheckpoint extends PartitionRange {
  readonly next: number;
  /** Exclusive end of a batch whose publish may or may not have happened. */
  readonly pendingEnd?: number;
  /** When that batch was begun (epoch ms). */
  readonly pendingAt?: number;
  readonly counters: ReplayCounters;
}

const COUNTER_FIELDS = {
  read: 'cRead',
  matched: 'cMatched',
  republished: 'cRepublished',
  filtered: 'cFiltered',
  loopGuard: 'cLoopGuard',
  alreadyDone: 'cAlreadyDone',
  noTarget: 'cNoTarget',
} as const;

/** DynamoDB access for replay jobs. One instance per execution environment is fine. */
export class CheckpointStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string = REPLAY_JOB_TABLE.tableName,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The job and its checkpoints, or `undefined` when the job does not exist.
   * @example const state = await store.load('outage-0312')
   */
  async load(jobId: string): Promise<{ job: JobState; partitions: PartitionCheckpoint[] } | undefined> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': REPLAY_JOB_TABLE.partitionKey.name },
          ExpressionAttributeValues: { ':pk': jobId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const jobItem = items.find((i) => i.partition === JOB_ITEM_PARTITION);
    if (!jobItem) return undefined;
    const partitions = items
      .filter((i) => i.partition !== JOB_ITEM_PARTITION)
      .map(toCheckpoint)
      .sort((a, b) => a.partition - b.partition);
    return { job: jobItem as unknown as JobState, partitions };
  }

  /**
   * Creates the job with its ranges and takes its lock, atomically. Returns `false` when the job
   * already exists (created meanwhile by another invocation).
   */
  async create(
    jobId: string,
    identity: string,
    source: string,
    ranges: readonly PartitionRange[],
    owner: string,
    leaseMs: number,
  ): Promise<boolean> {
    const now = this.now();
    const expiresAt = this.expiry(now);
    // TransactWriteItems takes at most 100 items: a topic has far fewer partitions than that.
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  jobId,
                  partition: JOB_ITEM_PARTITION,
                  identity,
                  source,
                  createdAt: now,
                  status: 'running',
                  owner,
                  leaseUntil: now + leaseMs,
                  expiresAt,
                },
                ConditionExpression: 'attribute_not_exists(jobId)',
              },
            },
            ...ranges.map((r) => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  jobId,
                  partition: r.partition,
                  start: r.start,
                  end: r.end,
                  next: r.start,
                  expiresAt,
                  ...Object.fromEntries(Object.values(COUNTER_FIELDS).map((f) => [f, 0])),
                },
              },
            })),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Takes the job's lock, or throws `JOB_BUSY` if another invocation holds a live lease. */
  async acquire(jobId: string, owner: string, leaseMs: number): Promise<void> {
    const now = this.now();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobId, partition: JOB_ITEM_PARTITION },
          UpdateExpression: 'SET #owner = :owner, leaseUntil = :until, #status = :running',
          ConditionExpression:
            'attribute_exists(jobId) AND (attribute_not_exists(#owner) OR #owner = :owner OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': now + leaseMs,
            ':now': now,
            ':running': 'running',
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { jobId, partition: JOB_ITEM_PARTITION },
          ConsistentRead: true,
        }),
      );
      const until = Number(current.Item?.leaseUntil ?? 0);
      throw new ReplayError(
        'JOB_BUSY',
        `Replay job ${jobId} is being run by another invocation (lease until ${new Date(until).toISOString()}); retry after that`,
      );
    }
  }

  /** Releases the lock (if still ours) and records the job's status. */
  async release(jobId: string, owner: string, status: 'partial' | 'done'): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobId, partition: JOB_ITEM_PARTITION },
          UpdateExpression: 'SET #status = :status REMOVE #owner, leaseUntil',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
          ExpressionAttributeValues: { ':owner': owner, ':status': status },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Step 1 of a batch: records that offsets `[expectedNext, pendingEnd)` are being published. */
  async beginBatch(
    jobId: string,
    owner: string,
    partition: number,
    expectedNext: number,
    pendingEnd: number,
  ): Promise<void> {
    const now = this.now();
    await this.transact(jobId, partition, [
      this.lockCheck(jobId, owner, now),
      {
        Update: {
          TableName: this.tableName,
          Key: { jobId, partition },
          UpdateExpression: 'SET pendingEnd = :pe, pendingAt = :now',
          ConditionExpression: '#next = :expected',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':pe': pendingEnd, ':now': now, ':expected': expectedNext },
        },
      },
    ]);
  }

  /** Step 3 of a batch: moves `next` to `newNext`, adds the counters, clears the pending batch, renews the lease. */
  async commitBatch(
    jobId: string,
    owner: string,
    partition: number,
    expectedNext: number,
    newNext: number,
    counters: ReplayCounters,
    leaseMs: number,
  ): Promise<void> {
    const now = this.now();
    const add: Record<string, number> = {
      [COUNTER_FIELDS.read]: counters.read,
      [COUNTER_FIELDS.matched]: counters.matched,
      [COUNTER_FIELDS.republished]: counters.republished,
      [COUNTER_FIELDS.filtered]: counters.skipped.filtered,
      [COUNTER_FIELDS.loopGuard]: counters.skipped.loopGuard,
      [COUNTER_FIELDS.alreadyDone]: counters.skipped.alreadyDone,
      [COUNTER_FIELDS.noTarget]: counters.skipped.noTarget,
    };
    const fields = Object.keys(add);
    await this.transact(jobId, partition, [
      {
        Update: {
          TableName: this.tableName,
          Key: { jobId, partition: JOB_ITEM_PARTITION },
          UpdateExpression: 'SET leaseUntil = :until, expiresAt = :exp',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':until': now + leaseMs, ':exp': this.expiry(now) },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: { jobId, partition },
          UpdateExpression: `SET #next = :newNext, expiresAt = :exp ADD ${fields.map((_f, i) => `#c${i} :c${i}`).join(', ')} REMOVE pendingEnd, pendingAt`,
          ConditionExpression: '#next = :expected',
          ExpressionAttributeNames: {
            '#next': 'next',
            ...Object.fromEntries(fields.map((f, i) => [`#c${i}`, f])),
          },
          ExpressionAttributeValues: {
            ':newNext': newNext,
            ':expected': expectedNext,
            ':exp': this.expiry(now),
            ...Object.fromEntries(fields.map((f, i) => [`:c${i}`, add[f]])),
          },
        },
      },
    ]);
  }

  private lockCheck(jobId: string, owner: string, now: number) {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: { jobId, partition: JOB_ITEM_PARTITION },
        ConditionExpression: '#owner = :owner AND leaseUntil >= :now',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':now': now },
      },
    };
  }

  private async transact(jobId: string, partition: number, items: object[]): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items as never }));
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ReplayError(
          'CHECKPOINT_CONFLICT',
          `Replay job ${jobId}, partition ${partition}: the checkpoint moved or the lock was lost; this invocation stops`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private expiry(now: number): number {
    return Math.floor(now / 1000) + REPLAY_DEFAULTS.checkpointTtlSeconds;
  }
}

function toCheckpoint(item: Record<string, unknown>): PartitionCheckpoint {
  const n = (name: string) => Number(item[name] ?? 0);
  const counters = emptyCounters();
  counters.read = n(COUNTER_FIELDS.read);
  counters.matched = n(COUNTER_FIELDS.matched);
  counters.republished = n(COUNTER_FIELDS.republished);
  counters.skipped.filtered = n(COUNTER_FIELDS.filtered);
  counters.skipped.loopGuard = n(COUNTER_FIELDS.loopGuard);
  counters.skipped.alreadyDone = n(COUNTER_FIELDS.alreadyDone);
  counters.skipped.noTarget = n(COUNTER_FIELDS.noTarget);
  return {
    partition: n('partition'),
    start: n('start'),
    end: n('end'),
    next: n('next'),
    ...(item.pendingEnd !== undefined ? { pendingEnd: n('pendingEnd'), pendingAt: n('pendingAt') } : {}),
    counters,
  };
}

function isConditionFailure(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
  }
  const name = (error as Error | undefined)?.name;
  return name === 'ConditionalCheckFailedException';
}
