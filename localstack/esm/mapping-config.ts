/**
 * Builds and validates the AWS settings of a Kafka event source mapping from the pipeline
 * definition, with the ranges AWS enforces.
 *
 * - BatchSize 1–10 000 and the batching window 0–300 s:
 *   https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-parameters.html and
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
 * - Retry attempts 0–10 000 or -1, record age 60–604 800 s or -1, and "when you configure both
 *   infinite retries and an on-failure destination, Lambda automatically applies a maximum of
 *   10 retry attempts": https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 *   and https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html
 * - The on-failure destination topic uses the `kafka://` prefix and may not be a source topic
 *   (recursion prevention): https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html
 */
import type { EventSourceMappingSpec, StageSpec } from '../../shared/pipeline/types.ts';
import type { EventSourceMappingConfig } from './types.ts';

/** Retry attempts Lambda applies when retries are infinite but an on-failure destination is set. */
export const RETRIES_WITH_DESTINATION_WHEN_INFINITE = 10;

/** Typed error for an invalid mapping setting. */
export class MappingConfigError extends Error {
  override readonly name = 'MappingConfigError';
  constructor(
    readonly code:
      | 'INVALID_BATCH_SIZE'
      | 'INVALID_BATCHING_WINDOW'
      | 'INVALID_RETRY_ATTEMPTS'
      | 'INVALID_RECORD_AGE'
      | 'INVALID_DESTINATION'
      | 'INVALID_POLLERS',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The mapping settings of one stage mapping, taken from the pipeline definition.
 * @example mappingConfigOf(stageSpec('validation'), eventSourceMappingsOf(stageSpec('validation'))[0])
 */
export function mappingConfigOf(
  stage: StageSpec,
  mapping: EventSourceMappingSpec,
  overrides: Partial<EventSourceMappingConfig> = {},
): EventSourceMappingConfig {
  return validateMappingConfig({
    functionName: `orion-${stage.name}`,
    topic: mapping.topic,
    consumerGroupId: mapping.consumerGroupId,
    batchSize: stage.batchSize,
    maximumBatchingWindowInSeconds: stage.maximumBatchingWindowInSeconds,
    startingPosition: stage.startingPosition,
    maximumRetryAttempts: stage.retry.maximumRetryAttempts,
    maximumRecordAgeInSeconds: stage.retry.maximumRecordAgeInSeconds,
    bisectBatchOnFunctionError: stage.retry.bisectBatchOnFunctionError,
    functionResponseTypes: stage.retry.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    onFailureDestination: `kafka://${stage.onFailureTopic}`,
    provisionedPollers: stage.pollers,
    ...overrides,
  });
}

/** Checks every setting against the ranges AWS accepts; returns the config or throws {@link MappingConfigError}. */
export function validateMappingConfig(config: EventSourceMappingConfig): EventSourceMappingConfig {
  const intIn = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!intIn(config.batchSize, 1, 10_000)) {
    throw new MappingConfigError('INVALID_BATCH_SIZE', `BatchSize must be 1–10000, got ${config.batchSize}`);
  }
  if (!intIn(config.maximumBatchingWindowInSeconds, 0, 300)) {
    throw new MappingConfigError(
      'INVALID_BATCHING_WINDOW',
      `MaximumBatchingWindowInSeconds must be a whole number 0–300, got ${config.maximumBatchingWindowInSeconds}`,
    );
  }
  if (config.maximumRetryAttempts !== -1 && !intIn(config.maximumRetryAttempts, 0, 10_000)) {
    throw new MappingConfigError(
      'INVALID_RETRY_ATTEMPTS',
      `MaximumRetryAttempts must be -1 or 0–10000, got ${config.maximumRetryAttempts}`,
    );
  }
  if (config.maximumRecordAgeInSeconds !== -1 && !intIn(config.maximumRecordAgeInSeconds, 60, 604_800)) {
    throw new MappingConfigError(
      'INVALID_RECORD_AGE',
      `MaximumRecordAgeInSeconds must be -1 or 60–604800, got ${config.maximumRecordAgeInSeconds}`,
    );
  }
  if (config.onFailureDestination !== undefined) {
    const topic = onFailureTopicOf(config);
    if (topic === config.topic) {
      throw new MappingConfigError(
        'INVALID_DESTINATION',
        `The on-failure topic cannot be the source topic "${topic}"`,
      );
    }
  }
  const { minimum, maximum } = config.provisionedPollers;
  if (!intIn(minimum, 1, 200) || !intIn(maximum, minimum, 2000)) {
    throw new MappingConfigError(
      'INVALID_POLLERS',
      `Invalid pollers: minimum ${minimum}, maximum ${maximum}`,
    );
  }
  return config;
}

/**
 * The topic of a `kafka://<topic>` on-failure destination; `undefined` when none is set.
 * @example onFailureTopicOf({ ...config, onFailureDestination: 'kafka://cdr.dlq' }) // 'cdr.dlq'
 */
export function onFailureTopicOf(
  config: Pick<EventSourceMappingConfig, 'onFailureDestination'>,
): string | undefined {
  const destination = config.onFailureDestination;
  if (destination === undefined) return undefined;
  const match = /^kafka:\/\/([a-zA-Z0-9._-]{1,249})$/.exec(destination);
  if (!match) {
    throw new MappingConfigError(
      'INVALID_DESTINATION',
      `On-failure destination must be kafka://<topic>, got "${destination}"`,
    );
  }
  return match[1];
}

/**
 * Retries the emulator allows a failing record: `MaximumRetryAttempts`, with AWS's cap of 10
 * when retries are infinite and an on-failure destination is set; `Infinity` otherwise for -1.
 */
export function effectiveMaximumRetryAttempts(config: EventSourceMappingConfig): number {
  if (config.maximumRetryAttempts !== -1) return config.maximumRetryAttempts;
  return config.onFailureDestination !== undefined
    ? RETRIES_WITH_DESTINATION_WHEN_INFINITE
    : Number.POSITIVE_INFINITY;
}
