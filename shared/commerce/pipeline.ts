/**
 * The commerce pipeline, as data: its topics, its five Kafka stages, its HTTP API, its stream stage
 * and the stores they use. CDK, the topic applier, the ESM emulator, the CLI and the tests read this
 * one definition, as for CDRs.
 *
 * ```
 * raw-events → validation → commerce.validated → routing ─┬→ user-events → activity → Cassandra/Keyspaces
 *                  │                                      ├→ payments → fraud → fraud-alerts (+ DynamoDB window state)
 *                  └→ commerce.rejected                   └→ orders → order-consumer → event store (DynamoDB)
 * POST /orders → orders-api → orders + order-outbox (one transaction) → stream → outbox-publisher ─┘
 * ```
 *
 * Topic values come from the seeds:
 * - `kivendtout-kafka-streaming.md` ("Topics créés", "Configuration commune"): `user-events` 6,
 *   `payments` 3, `orders` 3, `fraud-alerts` 2 partitions, RF 3, 7 days, LZ4, delete, 1 MB.
 * - `sprint1-ecommerce-ingestion.md`: `raw-events` as the ingestion topic. Its 3 partitions
 *   there were a one-broker laptop setup ("Partitions par topic: 1-3"); ORION gives it 6, as
 *   `user-events`, so validation keeps up with the bulk loader (KiVendTout: 21,411 events/s).
 * - `pubsubkafka-orders-architecture.md` (ADR-003): one dead-letter topic per domain,
 *   `users-dlq` and `orders-dlq`; ORION adds `payments-dlq` for the fraud stage. The ingestion
 *   stages (validation, routing) handle user events in the broad sense and share `users-dlq`.
 *
 * Two topics are ORION's: `commerce.validated`, the buffer between the validation and routing
 * stages (unchanged bytes), and `commerce.rejected`, the reject topic named like `cdr.rejected`.
 * Reject and dead-letter topics keep 30 days (time to notice and replay, as for CDRs) and are
 * snappy, not LZ4: the replay function reads them with kafkajs inside Lambda, where the native
 * LZ4 codec is not bundled (see `shared/kafka/lz4-codec.ts`).
 *
 * Alarm thresholds are the PubSubKafka seed's alert rules: consumer lag > 1,000, DLQ > 0 per
 * minute (every mapping's DLQ alarm fires at one record), processing P99 > 5 s.
 */
import { definePipeline, stageOf, topicOf } from '../pipeline/definition.ts';
import { DAY_MS } from '../pipeline/topics.ts';
import type {
  AlarmThresholds,
  CompressionType,
  HttpApiSpec,
  RetryPolicy,
  StageSpec,
  StreamStageSpec,
  TopicSpec,
} from '../pipeline/types.ts';
import { FRAUD_STATE_STORE } from './fraud/state-table.ts';
import { CREATE_ORDER_ROUTE, DEFAULT_THROTTLE, MAX_BODY_BYTES, ORDER_PII_KEYS } from './orders/constants.ts';
import { ORDER_EVENT_STORE } from './orders/event-store-table.ts';
import { ORDERS_STORE, OUTBOX_TABLE } from './orders/tables.ts';
import { COMMERCE_TOPIC } from './routing.ts';
import { ACTIVITY_STORE } from './storage/activity-schema.ts';

/** The seed's `Max message size : 1 MB`. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** A commerce topic: RF 3 / min ISR 2 in production (following the broker count locally), delete. */
function topic(
  name: string,
  partitions: number,
  retentionDays: number,
  compression: CompressionType,
  description: string,
  maxMessageBytes = MAX_MESSAGE_BYTES,
): TopicSpec {
  return {
    name,
    partitions,
    retentionMs: retentionDays * DAY_MS,
    cleanupPolicy: 'delete',
    compression,
    replicationFactor: 3,
    minInSyncReplicas: 2,
    maxMessageBytes,
    description,
  };
}

/**
 * Dead-letter topics take up to 8 MiB (MSK Serverless' largest message): the mapping's on-failure
 * record carries the failed record base64-encoded in JSON, a third larger than the 1 MiB event
 * it holds, and a record the broker refused would be lost.
 */
const DEAD_LETTER_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Every commerce topic, in pipeline order. */
export const COMMERCE_TOPICS: readonly TopicSpec[] = [
  topic(
    COMMERCE_TOPIC.rawEvents,
    6,
    7,
    'lz4',
    'Raw commerce events from the generator and the dataset loader, keyed by user id',
  ),
  topic(
    COMMERCE_TOPIC.validated,
    6,
    7,
    'lz4',
    'Events that passed validation (bytes unchanged); buffer validation → routing',
  ),
  topic(
    COMMERCE_TOPIC.userEvents,
    6,
    7,
    'lz4',
    'Behavioural events (view, addtocart, transaction, search, filter, review)',
  ),
  topic(
    COMMERCE_TOPIC.payments,
    3,
    7,
    'lz4',
    'Payment attempts, successes and failures; read by the fraud rules',
  ),
  topic(
    COMMERCE_TOPIC.orders,
    3,
    7,
    'lz4',
    'Order events (outbox order_created, routed checkout / order_completed); read by the order consumer',
  ),
  topic(COMMERCE_TOPIC.fraudAlerts, 2, 7, 'lz4', 'Fraud alerts with their evidence, keyed by customer id'),
  topic(COMMERCE_TOPIC.rejected, 3, 30, 'snappy', 'Invalid raw events: original bytes + reason headers'),
  topic(
    COMMERCE_TOPIC.usersDlq,
    3,
    30,
    'snappy',
    'Dead letters of the ingestion and user-events consumers',
    DEAD_LETTER_MAX_MESSAGE_BYTES,
  ),
  topic(
    COMMERCE_TOPIC.paymentsDlq,
    3,
    30,
    'snappy',
    'Dead letters of the payments consumers (fraud stage)',
    DEAD_LETTER_MAX_MESSAGE_BYTES,
  ),
  topic(
    COMMERCE_TOPIC.ordersDlq,
    3,
    30,
    'snappy',
    'Dead letters of the orders consumers',
    DEAD_LETTER_MAX_MESSAGE_BYTES,
  ),
];

/** PubSubKafka seed: lag > 1,000, P99 > 5 s; error rate and time lag as for CDRs. */
const ALARMS: AlarmThresholds = {
  maxOffsetLag: 1_000,
  offsetLagForMinutes: 5,
  maxTimeLagSeconds: 60,
  maxErrorRate: 0.01,
  maxPipelineAgeP99Ms: 5_000,
};

/** PubSubKafka: retry with exponential backoff, at most 3, then the domain's DLQ. */
const RETRY: RetryPolicy = {
  maximumRetryAttempts: 3,
  maximumRecordAgeInSeconds: 3600,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
};

/** Settings all commerce stages share. */
const STAGE_COMMON = {
  rejectTopic: COMMERCE_TOPIC.rejected,
  batchSize: 500,
  /** 0 s: invoke as soon as a poll returns records (AWS takes whole seconds only). */
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  retry: RETRY,
  alarms: ALARMS,
} as const;

/** Names of the commerce stores. */
export const COMMERCE_STORE = {
  activity: ACTIVITY_STORE.name,
  fraudState: FRAUD_STATE_STORE.name,
  orders: ORDERS_STORE.name,
  orderEvents: ORDER_EVENT_STORE.name,
} as const;

/**
 * The ORDER API (PubSubKafka: `POST /orders` → 202): one DynamoDB transaction writes the order,
 * its outbox entry and the Idempotency-Key record (docs/ORDERS.md). Seed alert: P99 > 5 s.
 */
export const ORDERS_API: HttpApiSpec = {
  name: 'orders-api',
  functionDir: 'orders-api',
  description:
    'ORDER API: validates an order, writes it and its outbox entry in one transaction, answers 202',
  routes: [CREATE_ORDER_ROUTE],
  stores: [{ store: ORDERS_STORE.name, access: 'read-write' }],
  throttle: DEFAULT_THROTTLE,
  maxBodyBytes: MAX_BODY_BYTES,
  maxLatencyP99Ms: 5_000,
};

/** Every stage of the commerce pipeline, in order. */
export const COMMERCE_STAGES: readonly StageSpec[] = [
  {
    name: 'validation',
    functionDir: 'commerce-validation',
    description: 'Checks raw commerce events against the schema of their type; counts valid/invalid per type',
    sourceTopics: [COMMERCE_TOPIC.rawEvents],
    consumerGroupPrefix: 'orion-commerce-validation',
    outputTopics: [COMMERCE_TOPIC.validated],
    onFailureTopic: COMMERCE_TOPIC.usersDlq,
    pollers: { minimum: 1, maximum: 6 },
    ...STAGE_COMMON,
  },
  {
    name: 'routing',
    functionDir: 'commerce-routing',
    description: 'Routes validated events by type: payments, orders, the rest to user-events',
    sourceTopics: [COMMERCE_TOPIC.validated],
    consumerGroupPrefix: 'orion-commerce-routing',
    outputTopics: [COMMERCE_TOPIC.userEvents, COMMERCE_TOPIC.payments, COMMERCE_TOPIC.orders],
    onFailureTopic: COMMERCE_TOPIC.usersDlq,
    pollers: { minimum: 1, maximum: 6 },
    ...STAGE_COMMON,
  },
  {
    name: 'fraud',
    functionDir: 'commerce-fraud',
    description: 'Fraud rules over a per-customer window (state in DynamoDB) → fraud-alerts',
    sourceTopics: [COMMERCE_TOPIC.payments],
    consumerGroupPrefix: 'orion-commerce-fraud',
    outputTopics: [COMMERCE_TOPIC.fraudAlerts],
    onFailureTopic: COMMERCE_TOPIC.paymentsDlq,
    pollers: { minimum: 1, maximum: 3 },
    stores: [{ store: COMMERCE_STORE.fraudState, access: 'read-write' }],
    ...STAGE_COMMON,
  },
  {
    name: 'activity',
    functionDir: 'commerce-activity',
    description:
      'Writes user events to activity storage by user and day (Amazon Keyspaces; Cassandra locally)',
    sourceTopics: [COMMERCE_TOPIC.userEvents],
    consumerGroupPrefix: 'orion-commerce-activity',
    outputTopics: [],
    onFailureTopic: COMMERCE_TOPIC.usersDlq,
    pollers: { minimum: 1, maximum: 6 },
    stores: [{ store: COMMERCE_STORE.activity, access: 'read-write' }],
    // Protects the store's write capacity: one concurrent batch per partition of user-events.
    reservedConcurrency: 'source-partitions',
    ...STAGE_COMMON,
  },
  {
    name: 'order-consumer',
    functionDir: 'orders-consumer',
    description:
      'Appends order events (order_created from the outbox, routed checkout/order_completed) to the event store: one version per event, each event id once',
    sourceTopics: [COMMERCE_TOPIC.orders],
    consumerGroupPrefix: 'orion-commerce-orders',
    outputTopics: [],
    onFailureTopic: COMMERCE_TOPIC.ordersDlq,
    pollers: { minimum: 1, maximum: 3 },
    stores: [{ store: COMMERCE_STORE.orderEvents, access: 'read-write' }],
    ...STAGE_COMMON,
  },
];

/**
 * The outbox publisher (PubSubKafka's outbox pattern): the `order-outbox` table's stream → Kafka
 * `orders` (key = order id, the entry's trace and correlation headers), each entry then marked
 * `published_at`; malformed entries → `commerce.rejected`. Retries until the stream's 24 h
 * retention (−1): only a Kafka or DynamoDB outage fails a batch, and a discarded batch would never
 * be published (its on-failure record holds metadata only); the 60 s iterator-age alarm pages
 * first. ParallelizationFactor stays 1: each outbox entry is its own item, so a factor above 1
 * could reorder one order's events.
 */
export const OUTBOX_PUBLISHER: StreamStageSpec = {
  name: 'outbox-publisher',
  functionDir: 'orders-outbox-publisher',
  description:
    'Publishes the order-outbox stream to Kafka orders (key = order id), marks each entry published; malformed entries → commerce.rejected',
  source: { store: ORDERS_STORE.name, table: OUTBOX_TABLE.suffix },
  outputTopics: [COMMERCE_TOPIC.orders, COMMERCE_TOPIC.rejected],
  stores: [{ store: ORDERS_STORE.name, access: 'read-write' }],
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  retry: {
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
  },
  maxIteratorAgeMs: 60_000,
};

/** The commerce pipeline. */
export const COMMERCE_PIPELINE = definePipeline({
  name: 'commerce',
  title: 'ORION commerce event pipeline',
  topics: COMMERCE_TOPICS,
  stages: COMMERCE_STAGES,
  stores: [ACTIVITY_STORE, FRAUD_STATE_STORE, ORDERS_STORE, ORDER_EVENT_STORE],
  httpApis: [ORDERS_API],
  streamStages: [OUTBOX_PUBLISHER],
  rejectTopic: COMMERCE_TOPIC.rejected,
  deadLetterTopics: [COMMERCE_TOPIC.usersDlq, COMMERCE_TOPIC.paymentsDlq, COMMERCE_TOPIC.ordersDlq],
  replay: {
    functionDir: 'commerce-replay',
    sourceTopics: [
      COMMERCE_TOPIC.usersDlq,
      COMMERCE_TOPIC.paymentsDlq,
      COMMERCE_TOPIC.ordersDlq,
      COMMERCE_TOPIC.rejected,
    ],
  },
  // Customer data: the logger masks these fields whole, beside the always-on masks.
  piiKeys: [
    ...new Set([
      'user_id',
      'customer_id',
      'customer_info',
      'card_fingerprint',
      'device_id',
      'email',
      'phone',
      'address',
      ...ORDER_PII_KEYS,
    ]),
  ],
  localRun: { module: 'shared/commerce/local-run.ts' },
});

/** Looks a commerce stage up by name; throws when there is no such stage. */
export function commerceStageSpec(name: string): StageSpec {
  return stageOf(COMMERCE_PIPELINE, name);
}

/** Looks a commerce topic up by name; throws when it is not in the catalog. */
export function commerceTopicSpec(name: string): TopicSpec {
  return topicOf(COMMERCE_PIPELINE, name);
}
