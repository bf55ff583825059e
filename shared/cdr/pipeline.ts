/**
 * The CDR pipeline, as data: its topics, its four stages and the stores they use. CDK, the topic
 * applier, the ESM emulator, the CLI and the tests read this one definition.
 *
 * Topic values come from the two ORION seed documents:
 * - `orion-kafka-pipeline-flow.md` ("Topologie Kafka complète", 2026-02): partitions and
 *   retention per topic;
 * - `orion-adr-004-kafka-multi-country.md` (ADR-004, 2025-12): retention per stage, the DLQ,
 *   RF 3 / min ISR 2, snappy compression.
 *
 * Where they differ we follow the pipeline-flow document, the later and more detailed of the
 * two: `cdr.raw.fr` has 10 partitions (ADR-004 sketched 12 before the per-country table was
 * drawn up). ADR-004 alone gives `cdr.dlq` (30 days) and the broker-wide RF 3 / min ISR 2 /
 * snappy, which we apply to every topic. `cdr.final` from ADR-004 is not created: the
 * pipeline-flow document replaced it by storage consuming `cdr.enriched` directly.
 *
 * Raw partition counts of the seven countries the seeds do not size are set from their
 * relative traffic as the seeds describe it ("moins de volume que France", "volume moyen"):
 * large markets like Morocco 8, the others 5 as Belgium, Madagascar 3.
 *
 * Consumer settings come from the seeds (`max.poll.records=500`, `auto.offset.reset=earliest`,
 * manual commit); alarm thresholds from their alert rules (`kafka_consumergroup_lag > 10000 for
 * 5m`, "Lag > 1 minute", "Error rate > 1%") and the pipeline-flow document's promise of P99 < 500 ms.
 */
import { definePipeline, stageOf, topicOf } from '../pipeline/definition.ts';
import { DAY_MS } from '../pipeline/topics.ts';
import type { AlarmThresholds, RetryPolicy, StageSpec, TopicSpec } from '../pipeline/types.ts';
import { COUNTRY_CODES, type CountryCode } from './countries.ts';
import { REFERENCE_STORE } from './reference-data/reference-tables.ts';
import { HOT_STORAGE_STORE } from './storage/cdr-schema.ts';

/** Production replication (ADR-004: RF=3, min.insync.replicas=2). */
const PRODUCTION_REPLICATION = { replicationFactor: 3, minInSyncReplicas: 2 } as const;

/** Settings every CDR topic shares. */
const TOPIC_COMMON = {
  cleanupPolicy: 'delete',
  compression: 'snappy',
  ...PRODUCTION_REPLICATION,
} as const;

/** Raw partitions per country (see the module comment for where each number comes from). */
export const RAW_PARTITIONS: Readonly<Record<CountryCode, number>> = {
  fr: 10,
  be: 5,
  ma: 8,
  tn: 5,
  pl: 8,
  eg: 8,
  ci: 5,
  sn: 5,
  cm: 5,
  mg: 3,
};

/** Name of a country's raw topic. */
export function rawTopicOf(country: CountryCode): string {
  return `cdr.raw.${country}`;
}

/** Topic names used across the CDR code, so that no topic is ever spelled twice. */
export const TOPIC = {
  validated: 'cdr.validated',
  rejected: 'cdr.rejected',
  normalized: 'cdr.normalized',
  enriched: 'cdr.enriched',
  dlq: 'cdr.dlq',
} as const;

/** Every CDR topic, in pipeline order. */
export const TOPICS: readonly TopicSpec[] = [
  ...COUNTRY_CODES.map(
    (country): TopicSpec => ({
      name: rawTopicOf(country),
      partitions: RAW_PARTITIONS[country],
      retentionMs: 7 * DAY_MS,
      ...TOPIC_COMMON,
      description: `Raw CDRs from ${country.toUpperCase()}, keyed by IMSI; 7 days for replay after an ingestion error`,
    }),
  ),
  {
    name: TOPIC.validated,
    partitions: 20,
    retentionMs: 3 * DAY_MS,
    ...TOPIC_COMMON,
    description: 'CDRs that passed validation; buffer validation → normalization',
  },
  {
    name: TOPIC.rejected,
    partitions: 5,
    retentionMs: 30 * DAY_MS,
    ...TOPIC_COMMON,
    description: 'Records rejected for bad data or a business rule, original bytes + reason headers',
  },
  {
    name: TOPIC.normalized,
    partitions: 20,
    retentionMs: 3 * DAY_MS,
    ...TOPIC_COMMON,
    description: 'Unified CDRs; buffer normalization → enrichment',
  },
  {
    name: TOPIC.enriched,
    partitions: 30,
    retentionMs: 1 * DAY_MS,
    ...TOPIC_COMMON,
    description: 'Enriched CDRs (network, subscriber, fraud); buffer enrichment → hot storage',
  },
  {
    name: TOPIC.dlq,
    partitions: 5,
    retentionMs: 30 * DAY_MS,
    ...TOPIC_COMMON,
    // Up to 8 MiB (MSK Serverless' largest message): an on-failure record carries the failed CDR
    // base64-encoded in JSON, larger than the record itself; a refused one would be lost.
    maxMessageBytes: 8 * 1024 * 1024,
    description: 'Records that failed for a transient reason after retries (ESM on-failure destination)',
  },
];

/** Seeds: lag > 10 000 for 5 min, lag > 1 min, error rate > 1 %, P99 < 500 ms. */
const ALARMS: AlarmThresholds = {
  maxOffsetLag: 10_000,
  offsetLagForMinutes: 5,
  maxTimeLagSeconds: 60,
  maxErrorRate: 0.01,
  maxPipelineAgeP99Ms: 500,
};

/**
 * Retries of a failing record before it goes to `cdr.dlq`. Three attempts as in the seeds'
 * retry-with-backoff pattern; one hour of record age, far beyond the one-minute lag alarm, so
 * a record is only given up on once someone has been paged.
 */
const RETRY: RetryPolicy = {
  maximumRetryAttempts: 3,
  maximumRecordAgeInSeconds: 3600,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
};

/** Settings all stages share. */
const STAGE_COMMON = {
  rejectTopic: TOPIC.rejected,
  onFailureTopic: TOPIC.dlq,
  /** Seeds: `max.poll.records = 500`. */
  batchSize: 500,
  /**
   * 0 s: invoke as soon as a poll returns records. AWS only accepts whole seconds here, and
   * even 1 s per stage would break the 500 ms P99 end-to-end target across four stages.
   */
  maximumBatchingWindowInSeconds: 0,
  /** Seeds: `auto.offset.reset = earliest`. */
  startingPosition: 'TRIM_HORIZON',
  retry: RETRY,
  alarms: ALARMS,
} as const;

/** Names of the CDR stores. */
export const STORE = { hot: HOT_STORAGE_STORE.name, reference: REFERENCE_STORE.name } as const;

/** Every stage of the CDR pipeline, in order. */
export const STAGES: readonly StageSpec[] = [
  {
    name: 'validation',
    functionDir: 'validation',
    description: 'Checks raw CDRs against their country format and business rules',
    sourceTopics: COUNTRY_CODES.map(rawTopicOf),
    consumerGroupPrefix: 'orion-validation',
    outputTopics: [TOPIC.validated],
    pollers: { minimum: 1, maximum: 4 },
    ...STAGE_COMMON,
  },
  {
    name: 'normalization',
    functionDir: 'normalization',
    description: 'Turns every country format into the unified CDR (UTC, E.164, ISO currency)',
    sourceTopics: [TOPIC.validated],
    consumerGroupPrefix: 'orion-normalization',
    outputTopics: [TOPIC.normalized],
    pollers: { minimum: 1, maximum: 4 },
    ...STAGE_COMMON,
  },
  {
    name: 'enrichment',
    functionDir: 'enrichment',
    description: 'Adds network, subscriber and fraud information from reference data',
    sourceTopics: [TOPIC.normalized],
    consumerGroupPrefix: 'orion-enrichment',
    outputTopics: [TOPIC.enriched],
    pollers: { minimum: 1, maximum: 6 },
    stores: [{ store: STORE.reference, access: 'read' }],
    ...STAGE_COMMON,
  },
  {
    name: 'storage',
    functionDir: 'storage',
    description: 'Writes enriched CDRs to hot storage (Amazon Keyspaces; Cassandra locally)',
    sourceTopics: [TOPIC.enriched],
    consumerGroupPrefix: 'orion-storage-hot',
    outputTopics: [],
    pollers: { minimum: 1, maximum: 8 },
    stores: [{ store: STORE.hot, access: 'read-write' }],
    // Storage is the only stage with a downstream capacity to protect (Keyspaces writes): cap it
    // at one concurrent batch per partition of its source topic.
    reservedConcurrency: 'source-partitions',
    ...STAGE_COMMON,
  },
];

/** The CDR pipeline. */
export const CDR_PIPELINE = definePipeline({
  name: 'cdr',
  title: 'ORION real-time CDR pipeline',
  topics: TOPICS,
  stages: STAGES,
  // The reference tables were deployed (and are retained) under the construct id `ReferenceTables`.
  stores: [HOT_STORAGE_STORE, { ...REFERENCE_STORE, constructId: 'ReferenceTables' }],
  rejectTopic: TOPIC.rejected,
  deadLetterTopics: [TOPIC.dlq],
  replay: { functionDir: 'replay', sourceTopics: [TOPIC.dlq, TOPIC.rejected] },
  // Subscriber identifiers: the logger masks these fields whole (IMSI/MSISDN never in clear),
  // beside the always-on masks of digit runs that catch them in free text.
  piiKeys: [
    'imsi',
    'msisdn',
    'caller',
    'callee',
    'calling',
    'called',
    'a_number',
    'b_number',
    'subscriber_id',
  ],
  localRun: { module: 'shared/cdr/local-run.ts' },
  // The flagship keeps its historical resource names (`orion-<env>-validation`, stack `Orion-<env>`).
  resourceInfix: '',
});

/** Looks a CDR stage up by name; throws when there is no such stage. */
export function stageSpec(name: string): StageSpec {
  return stageOf(CDR_PIPELINE, name);
}

/** Looks a CDR topic up by name; throws when it is not in the catalog. */
export function topicSpec(name: string): TopicSpec {
  return topicOf(CDR_PIPELINE, name);
}
