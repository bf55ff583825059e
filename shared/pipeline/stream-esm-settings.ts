/**
 * The settings of a DynamoDB Streams event source mapping, with AWS's names, defaults and
 * documented ranges, built from a {@link StreamStageSpec} and validated ONCE here. CDK maps them to
 * `AWS::Lambda::EventSourceMapping` (`lib/streams/stream-event-source-mapping.ts`); the local
 * emulator runs them (`localstack/esm/dynamodb-streams/settings.ts` adds the function and the
 * stream ARN, then calls {@link validateStreamMappingSettings}).
 *
 * From "Lambda parameters for Amazon DynamoDB event source mappings"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html), the same ranges as the
 * CloudFormation reference, "AWS::Lambda::EventSourceMapping"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html):
 *
 * | Parameter                      | Default    | Range                          |
 * | ------------------------------ | ---------- | ------------------------------ |
 * | BatchSize                      | 100        | 1–10,000                       |
 * | MaximumBatchingWindowInSeconds | 0          | 0–300                          |
 * | StartingPosition               | (required) | TRIM_HORIZON or LATEST         |
 * | MaximumRetryAttempts           | -1         | -1 (infinite) or 0–10,000      |
 * | MaximumRecordAgeInSeconds      | -1         | -1 (infinite) or 60–604,800    |
 * | BisectBatchOnFunctionError     | false      |                                |
 * | FunctionResponseTypes          | []         | ReportBatchItemFailures        |
 * | ParallelizationFactor          | 1          | 1–10                           |
 *
 * "-1 means infinite: failed records are retried until the record expires. The data retention
 * limit for DynamoDB Streams is 24 hours" (same page): with -1 a record is given up once it is
 * older than {@link DYNAMODB_STREAM_RETENTION_SECONDS}. The batching window range (0–300 s) is
 * the one every stream source shares ("Lambda event source mappings", batching behavior,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching).
 * Note that the CDK L2 `DynamoEventSource` still caps BatchSize at 1,000 (an older limit): ORION
 * maps these settings to the L1 resource instead.
 */
import { EventSourceMappingSettingError } from './errors.ts';
import {
  batchRetrySettingsOf,
  type FunctionResponseType,
  inRange,
  type MappingBatchRetrySettings,
  validateBatchRetrySettings,
} from './esm-settings.ts';
import type { StreamStageSpec } from './types.ts';

/** `FunctionResponseTypes` values of a stream mapping: the same as a Kafka mapping's. */
export type StreamFunctionResponseType = FunctionResponseType;

/**
 * The settings of one DynamoDB Streams mapping, field names as in `CreateEventSourceMapping`: the
 * batching and retry settings every mapping shares, where -1 retries means until the record
 * expires and -1 record age means the stream's 24 h retention (defaults in
 * {@link DYNAMODB_STREAM_MAPPING_DEFAULTS}), plus the stream-only `ParallelizationFactor`.
 */
export interface StreamMappingSettings extends MappingBatchRetrySettings {
  /** `ParallelizationFactor`: concurrent batches per shard, 1–10. @default 1 */
  readonly parallelizationFactor: number;
}

/** AWS's defaults for a DynamoDB Streams mapping (services-ddb-params). */
export const DYNAMODB_STREAM_MAPPING_DEFAULTS = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
  bisectBatchOnFunctionError: false,
  functionResponseTypes: [] as readonly StreamFunctionResponseType[],
  parallelizationFactor: 1,
} as const satisfies Omit<StreamMappingSettings, 'startingPosition'>;

/**
 * "The data retention limit for DynamoDB Streams is 24 hours"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html).
 */
export const DYNAMODB_STREAM_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * The validated mapping settings of a stream stage, from its definition. `overrides` (tests, the
 * emulator's knobs) are validated like the rest.
 *
 * @example
 * streamStageMappingSettings(pipeline.streamStages[0]).functionResponseTypes // ['ReportBatchItemFailures']
 */
export function streamStageMappingSettings(
  stage: StreamStageSpec,
  overrides: Partial<StreamMappingSettings> = {},
): StreamMappingSettings {
  return validateStreamMappingSettings(
    {
      ...batchRetrySettingsOf(stage),
      parallelizationFactor:
        stage.parallelizationFactor ?? DYNAMODB_STREAM_MAPPING_DEFAULTS.parallelizationFactor,
      ...overrides,
    },
    stage.name,
  );
}

/**
 * Checks every setting against the ranges AWS accepts for a DynamoDB Streams mapping; returns
 * the settings or throws {@link EventSourceMappingSettingError} naming the property. `where`
 * names the mapping in the message (e.g. `<function>/<stream>`).
 * @example validateStreamMappingSettings({ ...DYNAMODB_STREAM_MAPPING_DEFAULTS, startingPosition: 'LATEST' }, 'publisher')
 */
export function validateStreamMappingSettings<S extends StreamMappingSettings>(
  settings: S,
  where: string,
): S {
  const position: string = settings.startingPosition;
  if (position !== 'TRIM_HORIZON' && position !== 'LATEST') {
    throw new EventSourceMappingSettingError(
      'StartingPosition',
      `${where}: must be TRIM_HORIZON or LATEST for DynamoDB Streams, got ${position}`,
    );
  }
  validateBatchRetrySettings(where, settings);
  inRange(where, 'ParallelizationFactor', settings.parallelizationFactor, 1, 10);
  for (const type of settings.functionResponseTypes) {
    const name: string = type;
    if (name !== 'ReportBatchItemFailures') {
      throw new EventSourceMappingSettingError(
        'FunctionResponseTypes',
        `${where}: only ReportBatchItemFailures is valid, got ${name}`,
      );
    }
  }
  return settings;
}

/**
 * Retries a failing batch gets: `MaximumRetryAttempts`, or unbounded for -1 (the record age then
 * ends them: "failed records are retried until the record expires").
 * @example effectiveStreamRetryAttempts({ maximumRetryAttempts: -1 }) // Infinity
 */
export function effectiveStreamRetryAttempts(
  settings: Pick<StreamMappingSettings, 'maximumRetryAttempts'>,
): number {
  return settings.maximumRetryAttempts === -1 ? Number.POSITIVE_INFINITY : settings.maximumRetryAttempts;
}

/**
 * The age past which a record is given up: `MaximumRecordAgeInSeconds`, or the stream's 24 h
 * retention for -1 (a record older than that has left the stream in AWS).
 * @example effectiveStreamRecordAgeSeconds({ maximumRecordAgeInSeconds: -1 }) // 86400
 */
export function effectiveStreamRecordAgeSeconds(
  settings: Pick<StreamMappingSettings, 'maximumRecordAgeInSeconds'>,
): number {
  return settings.maximumRecordAgeInSeconds === -1
    ? DYNAMODB_STREAM_RETENTION_SECONDS
    : settings.maximumRecordAgeInSeconds;
}
