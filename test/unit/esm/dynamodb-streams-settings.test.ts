import { describe, expect, it } from 'vitest';
import {
  DYNAMODB_STREAM_RETENTION_SECONDS,
  dynamoDbStreamMappingSettings,
  effectiveStreamRecordAgeSeconds,
  effectiveStreamRetryAttempts,
} from '../../../localstack/esm/dynamodb-streams/settings.ts';
import { EventSourceMappingSettingError } from '../../../shared/pipeline/errors.ts';

const base = {
  functionName: 'outbox-publisher',
  eventSourceArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/orders_outbox/stream/2026-01-01T00:00:00.000',
  startingPosition: 'TRIM_HORIZON',
} as const;

describe('dynamoDbStreamMappingSettings (services-ddb-params)', () => {
  it("AWS's defaults: BatchSize 100, window 0, retries and age -1, no bisect, no partial responses, factor 1", () => {
    expect(dynamoDbStreamMappingSettings(base)).toEqual({
      ...base,
      batchSize: 100,
      maximumBatchingWindowInSeconds: 0,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      bisectBatchOnFunctionError: false,
      functionResponseTypes: [],
      parallelizationFactor: 1,
    });
  });

  it.each([
    ['BatchSize', { batchSize: 0 }],
    ['BatchSize', { batchSize: 10_001 }],
    ['MaximumBatchingWindowInSeconds', { maximumBatchingWindowInSeconds: 301 }],
    ['MaximumRetryAttempts', { maximumRetryAttempts: -2 }],
    ['MaximumRetryAttempts', { maximumRetryAttempts: 10_001 }],
    ['MaximumRecordAgeInSeconds', { maximumRecordAgeInSeconds: 59 }],
    ['MaximumRecordAgeInSeconds', { maximumRecordAgeInSeconds: 604_801 }],
    ['ParallelizationFactor', { parallelizationFactor: 11 }],
    ['ParallelizationFactor', { parallelizationFactor: 0 }],
    ['StartingPosition', { startingPosition: 'AT_TIMESTAMP' }],
    ['EventSourceArn', { eventSourceArn: 'arn:aws:kinesis:us-east-1:1:stream/x' }],
    ['FunctionResponseTypes', { functionResponseTypes: ['Other'] }],
    ['FilterCriteria', { filterCriteria: { Filters: [] } }],
    ['TumblingWindowInSeconds', { tumblingWindowInSeconds: 60 }],
  ])('refuses %s %j, naming the property', (property, override) => {
    const call = () => dynamoDbStreamMappingSettings({ ...base, ...(override as object) } as typeof base);
    expect(call).toThrow(EventSourceMappingSettingError);
    expect(call).toThrow(property);
  });

  it.each([
    { batchSize: 1 },
    { batchSize: 10_000 },
    { maximumBatchingWindowInSeconds: 300 },
    { maximumRetryAttempts: 0 },
    { maximumRetryAttempts: 10_000 },
    { maximumRecordAgeInSeconds: 60 },
    { maximumRecordAgeInSeconds: 604_800 },
    { parallelizationFactor: 10 },
    { startingPosition: 'LATEST' as const },
  ])('accepts the range bound %j', (override) => {
    expect(() => dynamoDbStreamMappingSettings({ ...base, ...override })).not.toThrow();
  });

  it('-1 retries are unbounded; -1 age is the stream retention (24 h)', () => {
    expect(effectiveStreamRetryAttempts({ maximumRetryAttempts: -1 })).toBe(Number.POSITIVE_INFINITY);
    expect(effectiveStreamRetryAttempts({ maximumRetryAttempts: 3 })).toBe(3);
    expect(effectiveStreamRecordAgeSeconds({ maximumRecordAgeInSeconds: -1 })).toBe(
      DYNAMODB_STREAM_RETENTION_SECONDS,
    );
    expect(effectiveStreamRecordAgeSeconds({ maximumRecordAgeInSeconds: 120 })).toBe(120);
  });
});
