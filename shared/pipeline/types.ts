/**
 * Types of the ORION pipeline definition: topics, stages, event source mappings, alarms.
 * The definition is plain data so that CDK, the topic applier, the ESM emulator, the docs
 * and the tests all read the same values.
 */

/** Kafka `cleanup.policy`. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Kafka topic-level `compression.type`. */
export type CompressionType = 'producer' | 'snappy' | 'lz4' | 'zstd' | 'gzip' | 'uncompressed';

/** One Kafka topic as ORION wants it in production. */
export interface TopicSpec {
  /** Topic name, e.g. `cdr.raw.fr`. */
  readonly name: string;
  /** Partition count (production and local alike). */
  readonly partitions: number;
  /** `retention.ms`. */
  readonly retentionMs: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly compression: CompressionType;
  /** Replication factor in production (≥ 3 brokers). Locally it follows the broker count. */
  readonly replicationFactor: number;
  /** `min.insync.replicas` in production. Locally it follows the broker count. */
  readonly minInSyncReplicas: number;
  /** What the topic is for (shown by `orion topics list` and the docs). */
  readonly description: string;
}

/** A topic resolved for a concrete cluster: replication settings fitted to its broker count. */
export interface ResolvedTopic extends TopicSpec {
  /** The topic configs to set on the broker, exactly as Kafka names them. */
  readonly configs: Readonly<Record<string, string>>;
}

/** Where the event source mapping starts when its consumer group has no committed offset. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/** Error handling of a Kafka event source mapping (provisioned mode), as AWS names it. */
export interface RetryPolicy {
  /** `MaximumRetryAttempts`: retries of a failing batch before it goes to the on-failure destination. */
  readonly maximumRetryAttempts: number;
  /** `MaximumRecordAgeInSeconds`: records older than this are not retried but sent on-failure. */
  readonly maximumRecordAgeInSeconds: number;
  /** `BisectBatchOnFunctionError`: split a failing batch in two and retry each half. */
  readonly bisectBatchOnFunctionError: boolean;
  /** `FunctionResponseTypes: ['ReportBatchItemFailures']`: honour partial batch responses. */
  readonly reportBatchItemFailures: boolean;
}

/** Alarm thresholds of a stage (seeds: lag > 10 000 for 5 min, lag > 1 min, error rate > 1 %). */
export interface AlarmThresholds {
  /** Consumer offset lag (records) above which the lag alarm fires. */
  readonly maxOffsetLag: number;
  /** Minutes the offset lag must stay above the threshold before alarming. */
  readonly offsetLagForMinutes: number;
  /** Time lag (seconds) of the oldest unprocessed record above which the alarm fires. */
  readonly maxTimeLagSeconds: number;
  /** Error rate (0–1) of invocations above which the alarm fires. */
  readonly maxErrorRate: number;
  /** P99 pipeline age (ms: now − the CDR's event time) above which the alarm fires. */
  readonly maxPipelineAgeP99Ms: number;
}

/** Names of the pipeline's stages. */
export type StageName = 'validation' | 'normalization' | 'enrichment' | 'storage';

/** One stage: a Lambda function fed by one event source mapping per source topic. */
export interface StageSpec {
  readonly name: StageName;
  /** Folder under `functions/` that holds the stage's handler. */
  readonly functionDir: string;
  readonly description: string;
  /** Topics the stage consumes. AWS allows one topic per mapping, so each gets its own mapping. */
  readonly sourceTopics: readonly string[];
  /**
   * Consumer group id prefix. AWS requires a consumer group id unique per event source mapping,
   * so each source topic's mapping uses `<prefix>.<topic>` (see {@link eventSourceMappingsOf}).
   */
  readonly consumerGroupPrefix: string;
  /** Topic that receives the stage's successful output, if any (storage has none). */
  readonly outputTopic?: string;
  /** Topic that receives records rejected for bad data or a business rule. */
  readonly rejectTopic: string;
  /** `BatchSize` (1–10 000). */
  readonly batchSize: number;
  /** `MaximumBatchingWindowInSeconds` (0–300). */
  readonly maximumBatchingWindowInSeconds: number;
  readonly startingPosition: StartingPosition;
  readonly retry: RetryPolicy;
  /** On-failure destination topic for records whose retries or age ran out. */
  readonly onFailureTopic: string;
  /** Provisioned pollers (`ProvisionedPollerConfig`): each poller is one consumer in the group. */
  readonly pollers: { readonly minimum: number; readonly maximum: number };
  readonly alarms: AlarmThresholds;
}

/** One Kafka event source mapping: exactly one topic and its own consumer group. */
export interface EventSourceMappingSpec {
  readonly stage: StageName;
  readonly topic: string;
  readonly consumerGroupId: string;
}
