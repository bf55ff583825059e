/**
 * The settings of a local DynamoDB Streams event source mapping: the mapping's own settings
 * (`StreamMappingSettings`, built and validated once in `shared/pipeline/stream-esm-settings.ts`,
 * which cites AWS's ranges and defaults from "Lambda parameters for Amazon DynamoDB event source
 * mappings", https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html) plus what
 * binds it here: the function it invokes and the stream ARN it reads. The mapping
 * (`stream-mapping.ts`) only runs them.
 *
 * Not emulated (refused when set, so a definition never silently loses them): `FilterCriteria`,
 * `TumblingWindowInSeconds`.
 */
import { EventSourceMappingSettingError } from '../../../shared/pipeline/errors.ts';
import {
  DYNAMODB_STREAM_MAPPING_DEFAULTS,
  type StreamFunctionResponseType,
  type StreamMappingSettings,
  validateStreamMappingSettings,
} from '../../../shared/pipeline/stream-esm-settings.ts';
import type { StartingPosition } from '../../../shared/pipeline/types.ts';

export {
  DYNAMODB_STREAM_MAPPING_DEFAULTS,
  DYNAMODB_STREAM_RETENTION_SECONDS,
  effectiveStreamRecordAgeSeconds,
  effectiveStreamRetryAttempts,
} from '../../../shared/pipeline/stream-esm-settings.ts';

/** Where a new mapping starts reading (DynamoDB Streams accepts only these two). */
export type StreamStartingPosition = StartingPosition;

/** `FunctionResponseTypes` values of a stream mapping. */
export type { StreamFunctionResponseType };

/** One local DynamoDB Streams event source mapping, field names as in `CreateEventSourceMapping`. */
export interface DynamoDbStreamMappingSettings extends StreamMappingSettings {
  /** `FunctionName`: the function the mapping invokes (its context and ARN). */
  readonly functionName: string;
  /** `EventSourceArn`: the stream's ARN (`…:table/<name>/stream/<label>`). */
  readonly eventSourceArn: string;
}

/** What a caller gives: the required fields, the rest defaulted. */
export type DynamoDbStreamMappingInput = Pick<
  DynamoDbStreamMappingSettings,
  'functionName' | 'eventSourceArn' | 'startingPosition'
> &
  Partial<DynamoDbStreamMappingSettings> & {
    /** Not emulated: refused. */
    readonly filterCriteria?: unknown;
    /** Not emulated: refused. */
    readonly tumblingWindowInSeconds?: number;
  };

/** A DynamoDB stream ARN: `arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>`. */
const STREAM_ARN = /^arn:[a-z-]+:dynamodb:[^:]*:[^:]*:table\/[A-Za-z0-9_.-]{3,255}\/stream\/.+$/;

/**
 * The validated settings of a mapping: AWS's defaults for what is not given; throws
 * {@link EventSourceMappingSettingError} naming the property AWS would refuse.
 *
 * @example
 * dynamoDbStreamMappingSettings({ functionName: 'outbox-publisher', eventSourceArn: arn, startingPosition: 'TRIM_HORIZON' }).batchSize // 100
 */
export function dynamoDbStreamMappingSettings(
  input: DynamoDbStreamMappingInput,
): DynamoDbStreamMappingSettings {
  const { filterCriteria, tumblingWindowInSeconds, ...given } = input;
  const where = `${input.functionName}/${input.eventSourceArn}`;
  if (filterCriteria !== undefined) {
    throw new EventSourceMappingSettingError('FilterCriteria', `${where}: event filtering is not emulated`);
  }
  if (tumblingWindowInSeconds !== undefined && tumblingWindowInSeconds !== 0) {
    throw new EventSourceMappingSettingError(
      'TumblingWindowInSeconds',
      `${where}: tumbling windows are not emulated`,
    );
  }
  const settings: DynamoDbStreamMappingSettings = { ...DYNAMODB_STREAM_MAPPING_DEFAULTS, ...given };
  if (!STREAM_ARN.test(settings.eventSourceArn)) {
    throw new EventSourceMappingSettingError(
      'EventSourceArn',
      `${where}: not a DynamoDB stream ARN (arn:…:dynamodb:…:table/<table>/stream/<label>)`,
    );
  }
  return validateStreamMappingSettings(settings, where);
}
