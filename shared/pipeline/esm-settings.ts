/**
 * The settings of a Kafka event source mapping, with AWS's names and documented ranges, built
 * from a stage and validated ONCE here. CDK maps them to `AWS::Lambda::EventSourceMapping`
 * (`lib/kafka/kafka-event-source-mapping.ts`); the local emulator runs them (`localstack/esm`).
 * This file also owns the `kafka://` on-failure destination URI.
 *
 * - BatchSize 1–10 000 and the batching window 0–300 s:
 *   https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-parameters.html and
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
 * - Retry attempts 0–10 000 or -1, record age 60–604 800 s or -1, and "when you configure both
 *   infinite retries and an on-failure destination, Lambda automatically applies a maximum of
 *   10 retry attempts": https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 *   and https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html
 * - The on-failure destination topic uses the `kafka://` prefix and may not be the source topic
 *   (recursion prevention): https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html
 * - `ProvisionedPollerConfig` (Kafka: `MinimumPollers` 1–200, `MaximumPollers` 1–2 000) and
 *   `PollerGroupName` (≤ 100 mappings and ≤ 2 000 maximum pollers summed over a group):
 *   Lambda API reference, `ProvisionedPollerConfig`.
 * - `MetricsConfig.Metrics` ⊆ {EventCount, ErrorCount, KafkaMetrics}:
 *   https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
 */
import { EventSourceMappingSettingError } from './errors.ts';
import { eventSourceMappingsOf } from './mappings.ts';
import type { EventSourceMappingSpec, StageSpec, StartingPosition } from './types.ts';

/** `FunctionResponseTypes` values accepted for Kafka mappings. */
export type FunctionResponseType = 'ReportBatchItemFailures';

/** The ESM metric groups ORION enables: events, errors, and Kafka consumer lag. */
export const ESM_METRICS = ['EventCount', 'ErrorCount', 'KafkaMetrics'] as const;

/** Limits of one provisioned poller group (Lambda API reference, `ProvisionedPollerConfig`). */
export const POLLER_GROUP_LIMITS = { mappings: 100, maximumPollers: 2_000 } as const;

/** Retry attempts Lambda applies when retries are infinite but an on-failure destination is set. */
export const RETRIES_WITH_DESTINATION_WHEN_INFINITE = 10;

/** One Kafka event source mapping in provisioned mode, field names as in `CreateEventSourceMapping`. */
export interface EventSourceMappingSettings {
  /** Name of the function the mapping invokes. */
  readonly functionName: string;
  /** The one topic of the mapping (AWS: `Topics`, exactly one for Kafka). */
  readonly topic: string;
  /** `AmazonManagedKafkaEventSourceConfig.ConsumerGroupId`. */
  readonly consumerGroupId: string;
  /** `BatchSize`, 1–10 000. */
  readonly batchSize: number;
  /** `MaximumBatchingWindowInSeconds`, 0–300. */
  readonly maximumBatchingWindowInSeconds: number;
  /** `StartingPosition`, used only when the group has no committed offset. */
  readonly startingPosition: StartingPosition;
  /** `MaximumRetryAttempts`: -1 (infinite) or 0–10 000. */
  readonly maximumRetryAttempts: number;
  /** `MaximumRecordAgeInSeconds`: -1 (infinite) or 60–604 800. */
  readonly maximumRecordAgeInSeconds: number;
  /** `BisectBatchOnFunctionError`. */
  readonly bisectBatchOnFunctionError: boolean;
  /** `FunctionResponseTypes`. */
  readonly functionResponseTypes: readonly FunctionResponseType[];
  /** `DestinationConfig.OnFailure.Destination`, here only `kafka://<topic>` (or none). */
  readonly onFailureDestination?: string;
  /** `ProvisionedPollerConfig`: each poller is one consumer of the group. */
  readonly provisionedPollers: { readonly minimum: number; readonly maximum: number };
}

/**
 * The on-failure destination URI of a Kafka topic.
 * @example kafkaDestination('orders-dlq') // 'kafka://orders-dlq'
 */
export function kafkaDestination(topic: string): string {
  return `kafka://${topic}`;
}

/**
 * The topic of a `kafka://<topic>` destination; throws on anything else.
 * @example topicOfKafkaDestination('kafka://orders-dlq') // 'orders-dlq'
 */
export function topicOfKafkaDestination(destination: string): string {
  const match = /^kafka:\/\/([a-zA-Z0-9._-]{1,249})$/.exec(destination);
  if (!match?.[1]) {
    throw new EventSourceMappingSettingError(
      'DestinationConfig.OnFailure.Destination',
      `must be kafka://<topic>, got "${destination}"`,
      'INVALID_DESTINATION',
    );
  }
  return match[1];
}

/**
 * The topic of the settings' on-failure destination; `undefined` when none is set.
 * @example onFailureTopicOf({ onFailureDestination: 'kafka://orders-dlq' }) // 'orders-dlq'
 */
export function onFailureTopicOf(
  settings: Pick<EventSourceMappingSettings, 'onFailureDestination'>,
): string | undefined {
  return settings.onFailureDestination === undefined
    ? undefined
    : topicOfKafkaDestination(settings.onFailureDestination);
}

/**
 * The batching and retry settings of a mapping that Kafka and DynamoDB Streams mappings share,
 * with the same `CreateEventSourceMapping` names and ranges.
 */
export type MappingBatchRetrySettings = Pick<
  EventSourceMappingSettings,
  | 'batchSize'
  | 'maximumBatchingWindowInSeconds'
  | 'startingPosition'
  | 'maximumRetryAttempts'
  | 'maximumRecordAgeInSeconds'
  | 'bisectBatchOnFunctionError'
  | 'functionResponseTypes'
>;

/**
 * A stage's batching and retry settings, from its definition (a Kafka or a stream stage).
 * @example batchRetrySettingsOf(stage).functionResponseTypes // ['ReportBatchItemFailures']
 */
export function batchRetrySettingsOf(
  stage: Pick<StageSpec, 'batchSize' | 'maximumBatchingWindowInSeconds' | 'startingPosition' | 'retry'>,
): MappingBatchRetrySettings {
  return {
    batchSize: stage.batchSize,
    maximumBatchingWindowInSeconds: stage.maximumBatchingWindowInSeconds,
    startingPosition: stage.startingPosition,
    maximumRetryAttempts: stage.retry.maximumRetryAttempts,
    maximumRecordAgeInSeconds: stage.retry.maximumRecordAgeInSeconds,
    bisectBatchOnFunctionError: stage.retry.bisectBatchOnFunctionError,
    functionResponseTypes: stage.retry.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
  };
}

/**
 * Checks the batching and retry settings against the ranges AWS accepts for Kafka and DynamoDB
 * Streams mappings alike (BatchSize 1–10 000, window 0–300 s, retries -1 or 0–10 000, record age
 * -1 or 60–604 800 s); throws {@link EventSourceMappingSettingError} naming the property.
 * @example validateBatchRetrySettings('orion-dev-fn/orders', { ...settings, batchSize: 0 }) // throws "BatchSize: …"
 */
export function validateBatchRetrySettings(
  where: string,
  settings: Pick<
    MappingBatchRetrySettings,
    'batchSize' | 'maximumBatchingWindowInSeconds' | 'maximumRetryAttempts' | 'maximumRecordAgeInSeconds'
  >,
): void {
  inRange(where, 'BatchSize', settings.batchSize, 1, 10_000);
  inRange(where, 'MaximumBatchingWindowInSeconds', settings.maximumBatchingWindowInSeconds, 0, 300);
  if (settings.maximumRetryAttempts !== -1) {
    inRange(where, 'MaximumRetryAttempts', settings.maximumRetryAttempts, 0, 10_000);
  }
  if (settings.maximumRecordAgeInSeconds !== -1) {
    inRange(where, 'MaximumRecordAgeInSeconds', settings.maximumRecordAgeInSeconds, 60, 604_800);
  }
}

/**
 * The validated settings of one mapping of `stage`, taken from the pipeline definition.
 * `overrides` (tests, the emulator's knobs) are validated like the rest.
 *
 * @example
 * const [mapping] = eventSourceMappingsOf(stage);
 * eventSourceMappingSettings(stage, mapping, { functionName: 'orion-dev-validation' }).batchSize // 500
 */
export function eventSourceMappingSettings(
  stage: StageSpec,
  mapping: EventSourceMappingSpec,
  options: { readonly functionName: string; readonly overrides?: Partial<EventSourceMappingSettings> },
): EventSourceMappingSettings {
  return validateEventSourceMappingSettings({
    functionName: options.functionName,
    topic: mapping.topic,
    consumerGroupId: mapping.consumerGroupId,
    ...batchRetrySettingsOf(stage),
    onFailureDestination: kafkaDestination(stage.onFailureTopic),
    provisionedPollers: stage.pollers,
    ...options.overrides,
  });
}

/**
 * Checks every setting against the ranges AWS accepts; returns the settings or throws
 * {@link EventSourceMappingSettingError} naming the property.
 */
export function validateEventSourceMappingSettings(
  settings: EventSourceMappingSettings,
): EventSourceMappingSettings {
  const where = `${settings.functionName}/${settings.topic}`;
  validateBatchRetrySettings(where, settings);
  const { minimum, maximum } = settings.provisionedPollers;
  inRange(where, 'ProvisionedPollerConfig.MinimumPollers', minimum, 1, 200);
  inRange(where, 'ProvisionedPollerConfig.MaximumPollers', maximum, 1, 2_000);
  if (minimum > maximum) {
    throw new EventSourceMappingSettingError(
      'ProvisionedPollerConfig',
      `${where}: MinimumPollers ${minimum} > MaximumPollers ${maximum}`,
    );
  }
  if (settings.onFailureDestination !== undefined && onFailureTopicOf(settings) === settings.topic) {
    throw new EventSourceMappingSettingError(
      'DestinationConfig.OnFailure.Destination',
      `${where}: the on-failure topic cannot be the source topic "${settings.topic}"`,
      'INVALID_DESTINATION',
    );
  }
  if (!/^[a-zA-Z0-9._-]{1,200}$/.test(settings.consumerGroupId)) {
    throw new EventSourceMappingSettingError(
      'AmazonManagedKafkaEventSourceConfig.ConsumerGroupId',
      `${where}: "${settings.consumerGroupId}" is not valid (1–200 of [a-zA-Z0-9._-])`,
    );
  }
  return settings;
}

/**
 * Throws when the stages' mappings cannot share one provisioned poller group.
 * @example assertFitsOnePollerGroup(pipeline.stages) // 13 mappings, 58 maximum pollers: fine
 */
export function assertFitsOnePollerGroup(stages: readonly StageSpec[]): void {
  const mappings = stages.flatMap(eventSourceMappingsOf);
  const pollers = stages.reduce((n, s) => n + s.pollers.maximum * s.sourceTopics.length, 0);
  if (mappings.length > POLLER_GROUP_LIMITS.mappings || pollers > POLLER_GROUP_LIMITS.maximumPollers) {
    throw new EventSourceMappingSettingError(
      'ProvisionedPollerConfig.PollerGroupName',
      `${mappings.length} mappings with ${pollers} maximum pollers exceed one poller group ` +
        `(${POLLER_GROUP_LIMITS.mappings} mappings, ${POLLER_GROUP_LIMITS.maximumPollers} pollers)`,
    );
  }
}

/**
 * Retries a failing record gets: `MaximumRetryAttempts`, with AWS's cap of 10 when retries are
 * infinite and an on-failure destination is set; `Infinity` otherwise for -1.
 */
export function effectiveMaximumRetryAttempts(settings: EventSourceMappingSettings): number {
  if (settings.maximumRetryAttempts !== -1) return settings.maximumRetryAttempts;
  return settings.onFailureDestination !== undefined
    ? RETRIES_WITH_DESTINATION_WHEN_INFINITE
    : Number.POSITIVE_INFINITY;
}

/**
 * Throws {@link EventSourceMappingSettingError} naming `property` unless `value` is an integer in
 * `min`–`max` (inclusive): the one range check of every mapping setting, Kafka and stream alike.
 * @example inRange('orion-dev-fn/orders', 'BatchSize', 0, 1, 10_000) // throws "BatchSize: orion-dev-fn/orders: 0 is outside 1–10000"
 */
export function inRange(where: string, property: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EventSourceMappingSettingError(property, `${where}: ${value} is outside ${min}–${max}`);
  }
}
