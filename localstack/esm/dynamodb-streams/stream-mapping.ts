/**
 * A DynamoDB Streams event source mapping, run locally against DynamoDB Local the way Lambda runs
 * one (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html): one consumer per shard
 * (`shard-consumer.ts`), shards found with `DescribeStream` and read parent first — a child shard
 * is started only once its parent is read to its end and every record of it is done, so the
 * records of an item stay in order across a shard split — and a checkpoint per shard saved as
 * records are done (`checkpoint-store.ts`).
 *
 * Starting position ("Process only new records, or all existing records": LATEST / TRIM_HORIZON,
 * same page) applies to a mapping with no checkpoint: TRIM_HORIZON reads every shard from its
 * oldest record; LATEST skips what each open shard holds when the mapping starts (closed shards
 * entirely) and saves that position at once, so a restart still reads only what came after. Shards
 * that appear later are always read from their start. With a checkpoint, reading resumes after it.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ENV } from '../../../shared/pipeline/environment.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
} from '../../../shared/storage/dynamodb/client.ts';
import { localEndpoints } from '../../embedded/endpoints.ts';
import type { ExhaustedRecord } from '../batch-processor.ts';
import { loadHandler } from '../handler-loader.ts';
import { invokeWithEvent } from '../invoke.ts';
import { functionArnOf } from '../lambda-context.ts';
import { type CheckpointStore, MemoryCheckpointStore, type ShardCheckpoint } from './checkpoint-store.ts';
import { StreamMappingError } from './errors.ts';
import { type ShardRecord, streamEvent } from './event.ts';
import { buildStreamOnFailureRecord } from './on-failure-record.ts';
import {
  type DynamoDbStreamMappingInput,
  type DynamoDbStreamMappingSettings,
  dynamoDbStreamMappingSettings,
} from './settings.ts';
import { ShardConsumer } from './shard-consumer.ts';
import { ShardProgress } from './shard-progress.ts';
import {
  createDynamoDbStreamsClient,
  DEFAULT_POLL_INTERVAL_MS,
  describeStreamShards,
  type ShardInfo,
  type ShardPosition,
  ShardReader,
  type StreamsApi,
  streamsApiOf,
} from './stream-reader.ts';
import type {
  DynamoDbStreamEventHandler,
  StartDynamoDbStreamMappingOptions,
  StreamHandlerInput,
  StreamMappingCounters,
} from './types.ts';

/** A running mapping. */
export interface DynamoDbStreamMapping {
  readonly settings: DynamoDbStreamMappingSettings;
  readonly mappingId: string;
  readonly counters: StreamMappingCounters;
  /**
   * Resolves once everything written to the table before the call has been read and is done
   * (succeeded or discarded): every shard read to its current end by a read started after the
   * call, nothing waiting or in flight, no new shard left to start (tests, local runs).
   * Throws `StreamMappingError('NOT_CAUGHT_UP')` after `timeoutMs` (default 30 s).
   */
  waitUntilCaughtUp(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Finishes the batches in flight (no new invocation or retry), saves checkpoints, stops. */
  stop(): Promise<void>;
  /** Stops at once without saving anything more (a crash, for tests). */
  kill(): Promise<void>;
}

/** Options defaults (emulator knobs, not AWS settings). */
export const STREAM_MAPPING_OPTIONS = {
  pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
  shardDiscoveryIntervalMs: 1000,
  retryBackoffMs: 500,
  retryBackoffMaxMs: 5000,
  functionTimeoutMs: 60_000,
} as const;

/**
 * Starts a DynamoDB Streams mapping on a table's stream (or a stream ARN); resolves once every
 * shard readable now is positioned, so with LATEST a write made after it resolves is delivered.
 *
 * @example
 * const mapping = await startDynamoDbStreamMapping({
 *   tableName: 'orders_outbox', handler: 'functions/outbox-publisher/handler.ts',
 *   startingPosition: 'TRIM_HORIZON', batchSize: 100, reportBatchItemFailures: true,
 *   maximumRetryAttempts: 3, bisectBatchOnFunctionError: true, onFailure: (record) => dlq.push(record),
 * });
 * await mapping.waitUntilCaughtUp();
 * await mapping.stop();
 */
export async function startDynamoDbStreamMapping(
  options: StartDynamoDbStreamMappingOptions,
): Promise<DynamoDbStreamMapping> {
  // A local run: the local stack's DynamoDB (DYNAMODB_ENDPOINT, else DynamoDB Local's default port).
  const config = dynamoDbConfigFromEnv({
    ...process.env,
    [ENV.dynamodbEndpoint]: options.endpoint ?? localEndpoints().dynamodbEndpoint,
    ...(options.region ? { [ENV.region]: options.region } : {}),
  });
  const ownedStreams = options.clients?.streams ? undefined : createDynamoDbStreamsClient(config);
  const streamsClient: DynamoDBStreamsClient = options.clients?.streams ?? ownedStreams!;
  const streamArn = options.streamArn ?? (await latestStreamArn(options, config));
  const tableName = options.tableName ?? tableOfStreamArn(streamArn);
  const functionName = options.functionName ?? `${tableName}-stream-handler`;
  const settings = dynamoDbStreamMappingSettings({
    ...awsSettingsOf(options),
    functionName,
    eventSourceArn: streamArn,
    startingPosition: options.startingPosition,
    ...(options.reportBatchItemFailures ? { functionResponseTypes: ['ReportBatchItemFailures'] } : {}),
  });
  const handler = await resolveHandler(options.handler);
  const run = new MappingRun({
    api: streamsApiOf(streamsClient),
    settings,
    mappingId: options.mappingId ?? `${functionName}@${streamArn}`,
    store: options.checkpoints ?? new MemoryCheckpointStore(),
    handler,
    onFailure: options.onFailure,
    knobs: {
      pollIntervalMs: options.pollIntervalMs ?? STREAM_MAPPING_OPTIONS.pollIntervalMs,
      shardDiscoveryIntervalMs:
        options.shardDiscoveryIntervalMs ?? STREAM_MAPPING_OPTIONS.shardDiscoveryIntervalMs,
      retryBackoffMs: options.retryBackoffMs ?? STREAM_MAPPING_OPTIONS.retryBackoffMs,
      retryBackoffMaxMs: options.retryBackoffMaxMs ?? STREAM_MAPPING_OPTIONS.retryBackoffMaxMs,
      functionTimeoutMs: options.functionTimeoutMs ?? STREAM_MAPPING_OPTIONS.functionTimeoutMs,
    },
    onError: options.onError ?? (() => {}),
    close: () => ownedStreams?.destroy(),
  });
  try {
    await run.start();
  } catch (error) {
    await run.kill();
    throw error;
  }
  return run;
}

/** The AWS settings a caller may give besides the required ones (validated by `dynamoDbStreamMappingSettings`). */
const AWS_SETTING_KEYS = [
  'batchSize',
  'maximumBatchingWindowInSeconds',
  'maximumRetryAttempts',
  'maximumRecordAgeInSeconds',
  'bisectBatchOnFunctionError',
  'functionResponseTypes',
  'parallelizationFactor',
  'filterCriteria',
  'tumblingWindowInSeconds',
] as const;

function awsSettingsOf(options: StartDynamoDbStreamMappingOptions): Partial<DynamoDbStreamMappingInput> {
  const out: Record<string, unknown> = {};
  for (const key of AWS_SETTING_KEYS) if (options[key] !== undefined) out[key] = options[key];
  return out as Partial<DynamoDbStreamMappingInput>;
}

/** The stream of `options.tableName` (`DescribeTable` → `LatestStreamArn`), which must be enabled. */
async function latestStreamArn(
  options: StartDynamoDbStreamMappingOptions,
  config: ReturnType<typeof dynamoDbConfigFromEnv>,
): Promise<string> {
  if (!options.tableName) {
    throw new StreamMappingError(
      'STREAM_NOT_FOUND',
      'startDynamoDbStreamMapping needs a tableName or a streamArn',
    );
  }
  const owned = options.clients?.dynamodb ? undefined : createDynamoDbDocumentClient(config);
  const client = options.clients?.dynamodb ?? (owned as unknown as DynamoDBClient);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.tableName }));
    const arn = Table?.LatestStreamArn;
    if (!arn || Table?.StreamSpecification?.StreamEnabled === false) {
      throw new StreamMappingError(
        'STREAM_NOT_ENABLED',
        `Table ${options.tableName} has no enabled stream (CreateTable/UpdateTable StreamSpecification)`,
      );
    }
    return arn;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') {
      throw new StreamMappingError('STREAM_NOT_FOUND', `Table ${options.tableName} not found`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    owned?.destroy();
  }
}

/** `orders` of `arn:aws:dynamodb:…:table/orders/stream/…`. */
function tableOfStreamArn(arn: string): string {
  return /:table\/([^/]+)\/stream\//.exec(arn)?.[1] ?? 'stream';
}

async function resolveHandler(input: StreamHandlerInput): Promise<DynamoDbStreamEventHandler> {
  if (typeof input === 'function') return input;
  const source = typeof input === 'string' ? { path: input } : input;
  return loadHandler<DynamoDbStreamEventHandler>({
    kind: 'module',
    path: source.path,
    ...(source.exportName ? { exportName: source.exportName } : {}),
  });
}

interface MappingRunDeps {
  readonly api: StreamsApi;
  readonly settings: DynamoDbStreamMappingSettings;
  readonly mappingId: string;
  readonly store: CheckpointStore;
  readonly handler: DynamoDbStreamEventHandler;
  readonly onFailure: StartDynamoDbStreamMappingOptions['onFailure'];
  readonly knobs: {
    readonly pollIntervalMs: number;
    readonly shardDiscoveryIntervalMs: number;
    readonly retryBackoffMs: number;
    readonly retryBackoffMaxMs: number;
    readonly functionTimeoutMs: number;
  };
  onError(error: unknown): void;
  close(): void;
}

/** One shard's state in the run. */
interface ShardState {
  consumer?: ShardConsumer;
  done?: Promise<void>;
  ended: boolean;
  /** Serialises the shard's checkpoint writes. */
  saving: Promise<void>;
}

/**
 * The running mapping: shard discovery, one consumer per readable shard, checkpoints.
 * Exported for tests with a fake {@link StreamsApi}; use {@link startDynamoDbStreamMapping}.
 */
export class MappingRun implements DynamoDbStreamMapping {
  readonly settings: DynamoDbStreamMappingSettings;
  readonly mappingId: string;
  readonly counters: StreamMappingCounters;
  private readonly shards = new Map<string, ShardState>();
  private saved = new Map<string, ShardCheckpoint>();
  private stopping = false;
  private killed = false;
  private discovery: Promise<void> | undefined;
  private discoveryWake: (() => void) | undefined;
  /** Discoveries started, and the number of the last one that completed (caught-up detection). */
  private discoveriesStarted = 0;
  private lastDiscoveryDone = 0;
  private readonly functionArn: string;

  constructor(private readonly deps: MappingRunDeps) {
    this.settings = deps.settings;
    this.mappingId = deps.mappingId;
    this.functionArn = functionArnOf(deps.settings.functionName);
    this.counters = {
      mappingId: deps.mappingId,
      streamArn: deps.settings.eventSourceArn,
      recordsIn: 0,
      recordsSucceeded: 0,
      recordsOnFailure: 0,
      recordsPending: 0,
      onFailureRecords: 0,
      invocations: 0,
      invocationMs: 0,
      functionErrors: 0,
      partialFailures: 0,
      retries: 0,
      bisects: 0,
      checkpoints: 0,
      shardsActive: 0,
      shardsEnded: 0,
    };
  }

  /** Loads checkpoints, positions the shards readable now, starts discovery. */
  async start(): Promise<void> {
    const loaded = await this.deps.store.load(this.mappingId);
    this.saved = new Map(loaded?.shards ?? []);
    const fresh = loaded === undefined;
    await this.deps.store.initialize(this.mappingId);
    const { shards } = await describeStreamShards(this.deps.api, this.settings.eventSourceArn);
    if (fresh && this.settings.startingPosition === 'LATEST') await this.skipExisting(shards);
    await this.startReadableShards(shards);
    this.discovery = this.discoveryLoop();
  }

  async waitUntilCaughtUp(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.stopping)
      throw new StreamMappingError('MAPPING_STOPPED', `Mapping ${this.mappingId} is stopped`);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const discovery = this.discoveriesStarted;
    const reads = new Map([...this.shards].map(([id, state]) => [id, state.consumer?.readsStarted ?? 0]));
    this.discoveryWake?.();
    for (const state of this.shards.values()) state.consumer?.wake();
    while (Date.now() < deadline) {
      if (this.isCaughtUp(discovery, reads)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const c = this.counters;
    throw new StreamMappingError(
      'NOT_CAUGHT_UP',
      `Mapping ${this.mappingId} not caught up after ${options.timeoutMs ?? 30_000} ms ` +
        `(in ${c.recordsIn}, succeeded ${c.recordsSucceeded}, on-failure ${c.recordsOnFailure}, pending ${c.recordsPending}, ` +
        `shards active ${c.shardsActive})`,
    );
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.discoveryWake?.();
    for (const state of this.shards.values()) state.consumer?.wake();
    await this.discovery;
    await Promise.all([...this.shards.values()].map((s) => s.done));
    await Promise.all([...this.shards.values()].map((s) => s.saving));
    this.deps.close();
  }

  async kill(): Promise<void> {
    this.killed = true;
    this.stopping = true;
    this.discoveryWake?.();
    for (const state of this.shards.values()) state.consumer?.wake();
    this.deps.close();
  }

  /** A discovery and, per shard, a read started after the snapshot found nothing left to do. */
  private isCaughtUp(discovery: number, reads: ReadonlyMap<string, number>): boolean {
    if (this.lastDiscoveryDone <= discovery) return false;
    for (const [id, state] of this.shards) {
      if (state.ended) continue;
      if (!state.consumer) return false;
      if (!state.consumer.caughtUpAfter(reads.get(id) ?? 0)) return false;
    }
    return true;
  }

  /** A fresh LATEST mapping: every open shard's current end becomes its checkpoint; closed shards are done. */
  private async skipExisting(shards: readonly ShardInfo[]): Promise<void> {
    for (const shard of shards) {
      if (shard.closed) {
        this.saveCheckpoint(shard.shardId, { ended: true });
        continue;
      }
      const reader = new ShardReader(
        this.deps.api,
        this.settings.eventSourceArn,
        shard.shardId,
        { type: 'TRIM_HORIZON' },
        (w) => this.deps.onError(w),
      );
      const last = await reader.skipToEnd();
      this.saveCheckpoint(
        shard.shardId,
        last === undefined ? { ended: false } : { sequenceNumber: last, ended: false },
      );
      this.launch(shard.shardId, reader, last);
    }
  }

  /** Starts a consumer for every shard that is not done and whose parent is done (or gone). */
  private async startReadableShards(shards: readonly ShardInfo[]): Promise<void> {
    const listed = new Set(shards.map((s) => s.shardId));
    for (const shard of shards) {
      if (this.stopping) return;
      if (this.shards.has(shard.shardId)) continue;
      const saved = this.saved.get(shard.shardId);
      if (saved?.ended) {
        this.shards.set(shard.shardId, { ended: true, saving: Promise.resolve() });
        continue;
      }
      const parent = shard.parentShardId;
      if (parent && listed.has(parent) && !this.isShardDone(parent)) continue;
      const position: ShardPosition =
        saved?.sequenceNumber !== undefined
          ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: saved.sequenceNumber }
          : { type: 'TRIM_HORIZON' };
      const reader = new ShardReader(
        this.deps.api,
        this.settings.eventSourceArn,
        shard.shardId,
        position,
        (w) => this.deps.onError(w),
      );
      this.launch(shard.shardId, reader, saved?.sequenceNumber);
    }
  }

  private isShardDone(shardId: string): boolean {
    return this.shards.get(shardId)?.ended === true || this.saved.get(shardId)?.ended === true;
  }

  private launch(shardId: string, reader: ShardReader, checkpoint: string | undefined): void {
    const progress = new ShardProgress(checkpoint);
    const state: ShardState = { ended: false, saving: this.shards.get(shardId)?.saving ?? Promise.resolve() };
    const consumer = new ShardConsumer({
      streamArn: this.settings.eventSourceArn,
      reader,
      settings: this.settings,
      progress,
      counters: this.counters,
      invoke: (records) =>
        invokeWithEvent(this.deps.handler, streamEvent(records), {
          functionName: this.settings.functionName,
          timeoutMs: this.deps.knobs.functionTimeoutMs,
        }),
      sendToOnFailure: (records) => this.sendToOnFailure(records),
      onCheckpoint: (sequenceNumber) => this.saveCheckpoint(shardId, { sequenceNumber, ended: false }),
      pollIntervalMs: this.deps.knobs.pollIntervalMs,
      retryBackoffMs: this.deps.knobs.retryBackoffMs,
      retryBackoffMaxMs: this.deps.knobs.retryBackoffMaxMs,
      isStopping: () => this.stopping,
      onError: (error) => this.deps.onError(error),
      now: Date.now,
    });
    state.consumer = consumer;
    this.shards.set(shardId, state);
    this.counters.shardsActive++;
    state.done = consumer
      .run()
      .then((ended) => {
        if (!ended || this.killed) return;
        state.ended = true;
        this.counters.shardsEnded++;
        this.saveCheckpoint(shardId, {
          ...(progress.checkpoint !== undefined ? { sequenceNumber: progress.checkpoint } : {}),
          ended: true,
        });
        // Its children may start now.
        this.discoveryWake?.();
      })
      .catch((error) => this.deps.onError(error))
      .finally(() => {
        this.counters.shardsActive--;
      });
  }

  /** Saves a shard's checkpoint after the previous save of that shard (never after a kill). */
  private saveCheckpoint(shardId: string, checkpoint: ShardCheckpoint): void {
    if (this.killed) return;
    this.saved.set(shardId, checkpoint);
    const state = this.shards.get(shardId);
    const previous = state?.saving ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (this.killed) return;
        await this.deps.store.save(this.mappingId, shardId, checkpoint);
        this.counters.checkpoints++;
      })
      .catch((error) => this.deps.onError(error));
    if (state) state.saving = next;
    else this.shards.set(shardId, { ended: checkpoint.ended, saving: next });
  }

  /** One invocation record per discarded unit of records, to the sink (dropped without one). */
  private async sendToOnFailure(records: readonly ExhaustedRecord<ShardRecord>[]): Promise<void> {
    if (!this.deps.onFailure || records.length === 0) return;
    const document = buildStreamOnFailureRecord(records, {
      functionArn: this.functionArn,
      streamArn: this.settings.eventSourceArn,
      now: new Date(),
    });
    await this.deps.onFailure(document);
    this.counters.onFailureRecords++;
  }

  private async discoveryLoop(): Promise<void> {
    while (!this.stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.deps.knobs.shardDiscoveryIntervalMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.discoveryWake = done;
      });
      this.discoveryWake = undefined;
      if (this.stopping) return;
      const number = ++this.discoveriesStarted;
      try {
        const { shards } = await describeStreamShards(this.deps.api, this.settings.eventSourceArn);
        await this.startReadableShards(shards);
        this.lastDiscoveryDone = number;
      } catch (error) {
        this.deps.onError(error);
      }
    }
  }
}
