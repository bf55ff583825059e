/**
 * Reading a DynamoDB stream shard by shard, as Lambda's pollers do: `DescribeStream` (paginated)
 * for the shards and their lineage, `GetShardIterator` + `GetRecords` per shard. DynamoDB Local
 * serves the same API (the table's stream ARN, one open shard; a shard closes — gets an
 * `EndingSequenceNumber` and `GetRecords` stops returning a `NextShardIterator` — when the stream is
 * disabled or the table deleted; AWS also closes shards when it splits them, the children naming
 * their `ParentShardId`).
 *
 * - "Lambda polls shards in your DynamoDB stream for records at a base rate of 4 times per second"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html): {@link DEFAULT_POLL_INTERVAL_MS};
 * - a `GetRecords` call returns at most 1,000 records (DynamoDB Streams API reference);
 * - an expired iterator (`ExpiredIteratorException`, or DynamoDB Local's "Invalid ShardIterator")
 *   is replaced by a new one after the last record read, so nothing is skipped or repeated;
 *   records trimmed before they were read (`TrimmedDataAccessException`) are reported and reading
 *   resumes at the oldest record left (`TRIM_HORIZON`).
 */
import {
  DescribeStreamCommand,
  type DescribeStreamCommandInput,
  type DescribeStreamCommandOutput,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandInput,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type GetShardIteratorCommandOutput,
  type _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDbConfig } from '../../../shared/storage/dynamodb/client.ts';
import { DYNAMODB_LOCAL_CREDENTIALS } from '../../embedded/endpoints.ts';
import { StreamMappingError } from './errors.ts';

/** "4 times per second". */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/** Most records one `GetRecords` call returns. */
export const GET_RECORDS_LIMIT = 1000;

/** The three DynamoDB Streams calls a mapping makes (a fake in unit tests). */
export interface StreamsApi {
  describeStream(
    input: DescribeStreamCommandInput,
  ): Promise<Pick<DescribeStreamCommandOutput, 'StreamDescription'>>;
  getShardIterator(
    input: GetShardIteratorCommandInput,
  ): Promise<Pick<GetShardIteratorCommandOutput, 'ShardIterator'>>;
  getRecords(
    input: GetRecordsCommandInput,
  ): Promise<Pick<GetRecordsCommandOutput, 'Records' | 'NextShardIterator'>>;
}

/**
 * A DynamoDB Streams client for a configuration (DynamoDB Local's dummy credentials with a local
 * endpoint, the default chain in AWS), as `createDynamoDbDocumentClient` makes the table client.
 * @example const client = createDynamoDbStreamsClient({ endpoint: 'http://127.0.0.1:8000', region: 'us-east-1' });
 */
export function createDynamoDbStreamsClient(config: DynamoDbConfig): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, credentials: DYNAMODB_LOCAL_CREDENTIALS } : {}),
    maxAttempts: 3,
  });
}

/**
 * The {@link StreamsApi} of an SDK client.
 * @example const api = streamsApiOf(createDynamoDbStreamsClient(config));
 */
export function streamsApiOf(client: DynamoDBStreamsClient): StreamsApi {
  return {
    describeStream: (input) => client.send(new DescribeStreamCommand(input)),
    getShardIterator: (input) => client.send(new GetShardIteratorCommand(input)),
    getRecords: (input) => client.send(new GetRecordsCommand(input)),
  };
}

/** A shard of the stream. */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** The shard has an `EndingSequenceNumber`: it takes no new records. */
  readonly closed: boolean;
}

/** A stream's status and every shard `DescribeStream` lists. */
export interface StreamDescription {
  readonly status: string;
  readonly shards: readonly ShardInfo[];
}

/**
 * Describes the stream, following `LastEvaluatedShardId` until every shard is listed.
 * @example const { shards } = await describeStreamShards(api, streamArn);
 */
export async function describeStreamShards(api: StreamsApi, streamArn: string): Promise<StreamDescription> {
  const shards: ShardInfo[] = [];
  let status = 'UNKNOWN';
  let start: string | undefined;
  do {
    let out: Pick<DescribeStreamCommandOutput, 'StreamDescription'>;
    try {
      out = await api.describeStream({
        StreamArn: streamArn,
        ...(start ? { ExclusiveStartShardId: start } : {}),
      });
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') {
        throw new StreamMappingError('STREAM_NOT_FOUND', `Stream ${streamArn} not found`, { cause: error });
      }
      throw error;
    }
    const description = out.StreamDescription;
    status = description?.StreamStatus ?? status;
    for (const shard of description?.Shards ?? []) {
      if (!shard.ShardId) continue;
      shards.push({
        shardId: shard.ShardId,
        ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
        closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      });
    }
    start = description?.LastEvaluatedShardId;
  } while (start);
  return { status, shards };
}

/** Where a reader starts in its shard. */
export type ShardPosition =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

/** Something the reader survived, for the mapping's `onError`. */
export class ShardReadWarning extends Error {
  override readonly name = 'ShardReadWarning';
  constructor(
    readonly code: 'ITERATOR_EXPIRED' | 'RECORDS_TRIMMED' | 'SHARD_GONE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Reads one shard in order with a chain of iterators.
 * @example const reader = new ShardReader(api, arn, shardId, { type: 'TRIM_HORIZON' }); const records = await reader.read();
 */
export class ShardReader {
  private iterator: string | undefined;
  /** The last sequence number returned by {@link read} (where a new iterator resumes). */
  lastSequenceNumber: string | undefined;
  /** The shard is closed and every record of it has been read. */
  ended = false;

  constructor(
    private readonly api: StreamsApi,
    private readonly streamArn: string,
    readonly shardId: string,
    start: ShardPosition,
    private readonly warn: (warning: ShardReadWarning) => void = () => {},
  ) {
    if (start.type === 'AFTER_SEQUENCE_NUMBER') this.lastSequenceNumber = start.sequenceNumber;
  }

  /** The next records of the shard (possibly none); sets {@link ended} at the end of a closed shard. */
  async read(limit: number = GET_RECORDS_LIMIT): Promise<SdkRecord[]> {
    for (let attempt = 1; ; attempt++) {
      if (this.ended) return [];
      this.iterator ??= await this.newIterator(this.resumePosition());
      if (this.iterator === undefined) return [];
      let out: Pick<GetRecordsCommandOutput, 'Records' | 'NextShardIterator'>;
      try {
        out = await this.api.getRecords({ ShardIterator: this.iterator, Limit: limit });
      } catch (error) {
        const name = (error as { name?: string }).name;
        const message = (error as { message?: string }).message ?? '';
        if (attempt < 3 && (name === 'ExpiredIteratorException' || /Invalid ShardIterator/i.test(message))) {
          this.warn(new ShardReadWarning('ITERATOR_EXPIRED', `${this.shardId}: iterator expired, renewed`));
          this.iterator = undefined;
          continue;
        }
        if (attempt < 3 && name === 'TrimmedDataAccessException') {
          // Read from the trim horizon with nothing read yet: no record of ours can have been lost
          // (DynamoDB Local answers this once on a freshly created table), so renew silently.
          if (this.lastSequenceNumber === undefined) {
            this.iterator = await this.newIterator({ type: 'TRIM_HORIZON' });
            continue;
          }
          this.warn(
            new ShardReadWarning(
              'RECORDS_TRIMMED',
              `${this.shardId}: records after ${this.lastSequenceNumber ?? 'the start'} were trimmed before they were read`,
              { cause: error },
            ),
          );
          this.iterator = await this.newIterator({ type: 'TRIM_HORIZON' });
          continue;
        }
        throw error;
      }
      const records = out.Records ?? [];
      const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
      if (last !== undefined) this.lastSequenceNumber = last;
      this.iterator = out.NextShardIterator;
      if (this.iterator === undefined) this.ended = true;
      return records;
    }
  }

  /**
   * Reads to the current end of the shard without keeping the records (a new LATEST mapping);
   * returns the last sequence number read, the position a restart resumes after.
   */
  async skipToEnd(): Promise<string | undefined> {
    while (!this.ended) {
      const records = await this.read();
      if (records.length === 0) break;
    }
    return this.lastSequenceNumber;
  }

  private resumePosition(): ShardPosition {
    return this.lastSequenceNumber !== undefined
      ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastSequenceNumber }
      : { type: 'TRIM_HORIZON' };
  }

  private async newIterator(position: ShardPosition): Promise<string | undefined> {
    try {
      const out = await this.api.getShardIterator({
        StreamArn: this.streamArn,
        ShardId: this.shardId,
        ShardIteratorType: position.type,
        ...(position.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: position.sequenceNumber } : {}),
      });
      return out.ShardIterator;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ResourceNotFoundException') {
        // The shard is gone (trimmed 24 h after it closed): nothing of it is left to read.
        this.warn(
          new ShardReadWarning('SHARD_GONE', `${this.shardId}: shard no longer exists`, { cause: error }),
        );
        this.ended = true;
        return undefined;
      }
      if (name === 'TrimmedDataAccessException' && position.type === 'AFTER_SEQUENCE_NUMBER') {
        this.warn(
          new ShardReadWarning(
            'RECORDS_TRIMMED',
            `${this.shardId}: records after ${position.sequenceNumber} were trimmed before they were read`,
            { cause: error },
          ),
        );
        return this.newIterator({ type: 'TRIM_HORIZON' });
      }
      throw error;
    }
  }
}
