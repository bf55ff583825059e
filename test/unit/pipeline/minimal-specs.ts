/** The smallest valid topic and Kafka stage specs, for unit tests of the pipeline framework. */
import type { StageSpec, TopicSpec } from '../../../shared/pipeline/types.ts';

/** A one-partition topic spec named `name` (its description is its name). */
export const minimalTopic = (name: string): TopicSpec => ({
  name,
  partitions: 1,
  retentionMs: 1,
  cleanupPolicy: 'delete',
  compression: 'producer',
  replicationFactor: 3,
  minInSyncReplicas: 2,
  description: name,
});

/** Retry settings of a mapping that reports item failures and bisects. */
export const MINIMAL_RETRY = {
  maximumRetryAttempts: 1,
  maximumRecordAgeInSeconds: -1,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
} as const;

/** A stage `consume` reading `in`, rejecting to `rejected`, failing to `dlq`, with `overrides` on top. */
export const minimalStage = (overrides: Partial<StageSpec> = {}): StageSpec => ({
  name: 'consume',
  functionDir: 'consume',
  description: 'x',
  sourceTopics: ['in'],
  consumerGroupPrefix: 'g',
  outputTopics: [],
  rejectTopic: 'rejected',
  onFailureTopic: 'dlq',
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  retry: MINIMAL_RETRY,
  pollers: { minimum: 1, maximum: 1 },
  alarms: {
    maxOffsetLag: 1,
    offsetLagForMinutes: 1,
    maxTimeLagSeconds: 1,
    maxErrorRate: 0.1,
    maxPipelineAgeP99Ms: 1,
  },
  ...overrides,
});
