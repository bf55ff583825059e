/**
 * The CDR pipeline's stages. Consumer settings come from the seeds (`max.poll.records=500`,
 * `auto.offset.reset=earliest`, manual commit); alarm thresholds from their alert rules
 * (`kafka_consumergroup_lag > 10000 for 5m`, "Lag > 1 minute", "Error rate > 1%") and the
 * pipeline-flow document's promise of P99 < 500 ms.
 */
import { COUNTRY_CODES } from './countries.ts';
import { rawTopicOf, TOPIC } from './topics.ts';
import type { AlarmThresholds, RetryPolicy, StageName, StageSpec } from './types.ts';

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
const COMMON = {
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

/** Every stage of the CDR pipeline, in order. */
export const STAGES: readonly StageSpec[] = [
  {
    name: 'validation',
    functionDir: 'validation',
    description: 'Checks raw CDRs against their country format and business rules',
    sourceTopics: COUNTRY_CODES.map(rawTopicOf),
    consumerGroupPrefix: 'orion-validation',
    outputTopic: TOPIC.validated,
    pollers: { minimum: 1, maximum: 4 },
    ...COMMON,
  },
  {
    name: 'normalization',
    functionDir: 'normalization',
    description: 'Turns every country format into the unified CDR (UTC, E.164, ISO currency)',
    sourceTopics: [TOPIC.validated],
    consumerGroupPrefix: 'orion-normalization',
    outputTopic: TOPIC.normalized,
    pollers: { minimum: 1, maximum: 4 },
    ...COMMON,
  },
  {
    name: 'enrichment',
    functionDir: 'enrichment',
    description: 'Adds network, subscriber and fraud information from reference data',
    sourceTopics: [TOPIC.normalized],
    consumerGroupPrefix: 'orion-enrichment',
    outputTopic: TOPIC.enriched,
    pollers: { minimum: 1, maximum: 6 },
    ...COMMON,
  },
  {
    name: 'storage',
    functionDir: 'storage',
    description: 'Writes enriched CDRs to hot storage (Amazon Keyspaces; Cassandra locally)',
    sourceTopics: [TOPIC.enriched],
    consumerGroupPrefix: 'orion-storage-hot',
    pollers: { minimum: 1, maximum: 8 },
    ...COMMON,
  },
];

/** Looks a stage up by name; throws when there is no such stage. */
export function stageSpec(name: StageName | string): StageSpec {
  const stage = STAGES.find((s) => s.name === name);
  if (!stage) {
    throw new Error(`Unknown stage "${name}"; stages are: ${STAGES.map((s) => s.name).join(', ')}`);
  }
  return stage;
}
