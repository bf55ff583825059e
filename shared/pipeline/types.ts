/**
 * Types of a pipeline definition: topics, stages, event source mappings, alarms, stores.
 * The definition is plain data so that CDK, the topic applier, the ESM emulator, the docs
 * and the tests all read the same values.
 */

/** Kafka `cleanup.policy`. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Kafka topic-level `compression.type`. */
export type CompressionType = 'producer' | 'snappy' | 'lz4' | 'zstd' | 'gzip' | 'uncompressed';

/** One Kafka topic as ORION wants it in production. */
export interface TopicSpec {
  /** Topic name, e.g. `orders`. */
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
  /** `max.message.bytes`. @default the broker's (1 MB) */
  readonly maxMessageBytes?: number;
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

/** Alarm thresholds of a stage. */
export interface AlarmThresholds {
  /** Consumer offset lag (records) above which the lag alarm fires. */
  readonly maxOffsetLag: number;
  /** Minutes the offset lag must stay above the threshold before alarming. */
  readonly offsetLagForMinutes: number;
  /** Time lag (seconds) of the oldest unprocessed record above which the alarm fires. */
  readonly maxTimeLagSeconds: number;
  /** Error rate (0–1) of invocations above which the alarm fires. */
  readonly maxErrorRate: number;
  /** P99 pipeline age (ms: now − the record's event time) above which the alarm fires. */
  readonly maxPipelineAgeP99Ms: number;
}

/** Name of a stage, unique in its pipeline (e.g. `validation`). */
export type StageName = string;

/** One stage: a Lambda function fed by one event source mapping per source topic. */
export interface StageSpec {
  readonly name: StageName;
  /** Folder under the pipeline's functions root (`functions/` by default) holding the handler. */
  readonly functionDir: string;
  readonly description: string;
  /** Topics the stage consumes. AWS allows one topic per mapping, so each gets its own mapping. */
  readonly sourceTopics: readonly string[];
  /**
   * Consumer group id prefix. AWS requires a consumer group id unique per event source mapping,
   * so each source topic's mapping uses `<prefix>.<topic>` (see {@link eventSourceMappingsOf}).
   */
  readonly consumerGroupPrefix: string;
  /** Topics that receive the stage's successful output (a routing stage has several, storage none). */
  readonly outputTopics: readonly string[];
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
  /** Stores the stage reads or writes; CDK grants exactly these. @default none */
  readonly stores?: readonly StoreUse[];
  /**
   * Reserved concurrency of the function: `'source-partitions'` caps it at one batch per
   * partition of its source topics (protects a downstream store's capacity). @default none
   */
  readonly reservedConcurrency?: 'source-partitions' | number;
  /** Extra environment variables, as is (tuning knobs). @default none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** One Kafka event source mapping: exactly one topic and its own consumer group. */
export interface EventSourceMappingSpec {
  readonly stage: StageName;
  readonly topic: string;
  readonly consumerGroupId: string;
}

/** A column and its CQL type, lower-case as written in the source (e.g. `list<text>`). */
export interface CqlColumn {
  readonly name: string;
  readonly type: string;
}

/** Clustering order of a clustering column. */
export type ClusteringOrder = 'ASC' | 'DESC';

/** A clustering column with its order. */
export interface ClusteringColumn extends CqlColumn {
  readonly order: ClusteringOrder;
}

/** One Cassandra / Keyspaces table, as parsed from a pipeline's CQL schema source. */
export interface TableDefinition {
  readonly name: string;
  /** Every column, in declaration order. */
  readonly columns: readonly CqlColumn[];
  /** Partition key columns, in key order. */
  readonly partitionKey: readonly CqlColumn[];
  /** Clustering columns, in key order, each with its order (ASC unless declared). */
  readonly clusteringKey: readonly ClusteringColumn[];
  /** The columns that are neither partition nor clustering key, in declaration order. */
  readonly regularColumns: readonly CqlColumn[];
  /** `default_time_to_live` in seconds; `undefined` when the table declares none. */
  readonly defaultTtlSeconds?: number;
  readonly comment?: string;
}

/** Hot storage on Cassandra locally and Amazon Keyspaces in AWS: one keyspace, its tables. */
export interface CassandraStoreSpec {
  readonly kind: 'cassandra';
  /** Store name, unique in the pipeline; stages refer to it in {@link StoreUse}. */
  readonly name: string;
  readonly description: string;
  /** The tables, parsed from the pipeline's one CQL source (local Cassandra and Keyspaces alike). */
  readonly tables: readonly TableDefinition[];
  /**
   * Id of the store's CDK construct, from which the logical ids of its tables derive.
   * @default the store name in PascalCase (`order-state` → `OrderState`). Set it only to keep the
   * logical ids (so the retained tables) of a store first deployed under another id.
   */
  readonly constructId?: string;
}

/** A DynamoDB key attribute. */
export interface DynamoDbKeyAttribute {
  readonly name: string;
  /** `S` string, `N` number, `B` binary. */
  readonly type: 'S' | 'N' | 'B';
}

/** One DynamoDB table of a store. Its physical name is `<table prefix><suffix>`. */
export interface DynamoDbTableSpec {
  /** Physical name = prefix + suffix, e.g. `orion-cells`. */
  readonly suffix: string;
  readonly partitionKey: DynamoDbKeyAttribute;
  /** @default no sort key */
  readonly sortKey?: DynamoDbKeyAttribute;
  /** Epoch-seconds attribute DynamoDB's TTL deletes items by. @default no TTL */
  readonly timeToLiveAttribute?: string;
  /**
   * DynamoDB Streams on the table (`StreamSpecification.StreamViewType`); a {@link StreamStageSpec}
   * may read only a table that declares one. @default no stream
   */
  readonly stream?: StreamViewType;
  readonly description: string;
}

/** What a DynamoDB stream record carries (`StreamViewType`). */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** A set of DynamoDB tables sharing one physical-name prefix. */
export interface DynamoDbStoreSpec {
  readonly kind: 'dynamodb';
  /** Store name, unique in the pipeline; stages refer to it in {@link StoreUse}. */
  readonly name: string;
  readonly description: string;
  readonly tables: readonly DynamoDbTableSpec[];
  /**
   * The environment variable a function reads the physical-name prefix from, e.g.
   * `REFERENCE_TABLE_PREFIX` (see `shared/pipeline/environment.ts`).
   */
  readonly tablePrefixVariable: string;
  /** Prefix used when the variable is unset (local runs). */
  readonly defaultTablePrefix: string;
  /**
   * Id of the store's CDK construct, from which the logical ids of its tables derive.
   * @default the store name in PascalCase (`order-state` → `OrderState`). Set it only to keep the
   * logical ids (so the retained tables) of a store first deployed under another id.
   */
  readonly constructId?: string;
}

/** A store a pipeline declares. */
export type StoreSpec = CassandraStoreSpec | DynamoDbStoreSpec;

/** How a stage uses a store: CDK grants exactly this, the env contract passes its address. */
export interface StoreUse {
  /** {@link StoreSpec.name} of a store of the same pipeline. */
  readonly store: string;
  readonly access: 'read' | 'read-write';
}

/** One route of an HTTP API, e.g. `POST /orders`. */
export interface HttpRouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path as API Gateway writes it, e.g. `/orders` or `/orders/{orderId}`. */
  readonly path: string;
}

/**
 * An HTTP entry point of a pipeline: an API Gateway HTTP API (payload format 2.0) in front of one
 * Lambda function; locally the same handler behind a small HTTP server.
 */
export interface HttpApiSpec {
  /** Name, unique among the pipeline's functions (e.g. `orders-api`). */
  readonly name: string;
  /** Folder under the functions root holding the handler. */
  readonly functionDir: string;
  readonly description: string;
  readonly routes: readonly HttpRouteSpec[];
  /** Stores the function reads or writes; CDK grants exactly these. @default none */
  readonly stores?: readonly StoreUse[];
  /** Stage throttling (`ThrottlingRateLimit` requests/s, `ThrottlingBurstLimit`); over it → 429. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Largest request body the function accepts (bytes); larger → 413. */
  readonly maxBodyBytes: number;
  /** P99 latency (ms) of the API above which the alarm fires. */
  readonly maxLatencyP99Ms: number;
  /** Extra environment variables, as is. @default none */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A function fed by the DynamoDB stream of one of the pipeline's tables (e.g. an outbox
 * publisher): a DynamoDB Streams event source mapping, which retries, bisects and honours
 * partial batch responses (`itemIdentifier` = the record's sequence number).
 */
export interface StreamStageSpec {
  /** Name, unique among the pipeline's functions (e.g. `outbox-publisher`). */
  readonly name: string;
  /** Folder under the functions root holding the handler. */
  readonly functionDir: string;
  readonly description: string;
  /** The table whose stream feeds the function: a store of the pipeline and its table's suffix. */
  readonly source: { readonly store: string; readonly table: string };
  /** Topics the function writes. */
  readonly outputTopics: readonly string[];
  /** Stores the function reads or writes besides reading the stream. @default none */
  readonly stores?: readonly StoreUse[];
  /** `BatchSize` (1–10 000). */
  readonly batchSize: number;
  /** `MaximumBatchingWindowInSeconds` (0–300). */
  readonly maximumBatchingWindowInSeconds: number;
  readonly startingPosition: StartingPosition;
  /** Retries, record age, bisect, partial batch responses; `maximumRetryAttempts` −1 = until the record expires. */
  readonly retry: RetryPolicy;
  /** `ParallelizationFactor` (1–10): concurrent batches per shard, order kept per item key. @default 1 */
  readonly parallelizationFactor?: number;
  /** Iterator age (ms) above which the alarm fires. */
  readonly maxIteratorAgeMs: number;
  /** Extra environment variables, as is. @default none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The on-demand replay function of a pipeline (DLQ and reject topics back to their sources). */
export interface ReplaySpec {
  /** Folder under the functions root holding the replay handler. */
  readonly functionDir: string;
  /** Topics an operator may replay from (the pipeline's DLQ and reject topics). */
  readonly sourceTopics: readonly string[];
}

/** What the local main job (`npm start -- --pipeline <name>`) loads for this pipeline. */
export interface LocalRunSpec {
  /**
   * Module, relative to the repository root, whose exports drive the pipeline's local run
   * (generator, store setup, accounting): see `LocalRunModule` in `shared/pipeline/local-run.ts`.
   * Imported only by the local tools, never by CDK or a handler.
   */
  readonly module: string;
}

/**
 * Everything a pipeline is.
 *
 * @example
 * export const TOY_PIPELINE = definePipeline({ name: 'toy', title: 'Toy', topics, stages });
 */
export interface PipelineDefinition {
  /** Identifier: `[a-z][a-z0-9-]*`, used by `--pipeline`, stack ids and resource names. */
  readonly name: string;
  /** One line saying what the pipeline does (stack description, `orion` help). */
  readonly title: string;
  /** Every topic of the pipeline, in pipeline order. */
  readonly topics: readonly TopicSpec[];
  /** Every stage, in pipeline order. */
  readonly stages: readonly StageSpec[];
  /** Stores the stages use. @default none */
  readonly stores?: readonly StoreSpec[];
  /** HTTP entry points (API Gateway HTTP API + Lambda). @default none */
  readonly httpApis?: readonly HttpApiSpec[];
  /** Functions fed by the DynamoDB stream of one of the pipeline's tables. @default none */
  readonly streamStages?: readonly StreamStageSpec[];
  /** The pipeline's reject topic (bad data, business rules). */
  readonly rejectTopic: string;
  /** The pipeline's dead-letter topics (on-failure destinations of its mappings). */
  readonly deadLetterTopics: readonly string[];
  /** @default no replay function */
  readonly replay?: ReplaySpec;
  /**
   * Names of the fields that hold personal data in this pipeline's records: the logger masks
   * such a field whole, whatever its value (a field matches when its name contains one of these,
   * ignoring case, `_` and `-`). The always-on masks (long digit runs, e-mail addresses) apply
   * whether or not a pipeline lists any.
   * @default none
   */
  readonly piiKeys?: readonly string[];
  /** @default no local main job */
  readonly localRun?: LocalRunSpec;
  /**
   * Absolute folder holding one folder per function (`<dir>/handler.ts`).
   * @default `<repository>/functions`
   */
  readonly functionsRoot?: string;
  /**
   * Part of every AWS resource name after `orion-<env>` (function `orion-<env>-<infix><stage>`,
   * stack `Orion-<env><Infix>`), so that pipelines sharing an account never collide.
   * @default `<name>-` (the flagship pipeline declares `''` to keep its historical names)
   */
  readonly resourceInfix?: string;
}
