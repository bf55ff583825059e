/**
 * The DynamoDB Streams mapping settings of a stream stage (`shared/pipeline/stream-esm-settings.ts`):
 * taken from the definition one to one, validated against the ranges of services-ddb-params, and
 * the same validator the local emulator runs (`localstack/esm/dynamodb-streams/settings.ts`).
 */
import { describe, expect, it } from 'vitest';
import { dynamoDbStreamMappingSettings } from '../../../localstack/esm/dynamodb-streams/settings.ts';
import { EventSourceMappingSettingError, inRange } from '../../../shared/pipeline/index.ts';
import {
  DYNAMODB_STREAM_MAPPING_DEFAULTS,
  streamStageMappingSettings,
  validateStreamMappingSettings,
} from '../../../shared/pipeline/stream-esm-settings.ts';
import type { StreamStageSpec } from '../../../shared/pipeline/types.ts';

const publisher: StreamStageSpec = {
  name: 'publisher',
  functionDir: 'publisher',
  description: 'x',
  source: { store: 'entities', table: 'outbox' },
  outputTopics: ['out'],
  batchSize: 250,
  maximumBatchingWindowInSeconds: 2,
  startingPosition: 'TRIM_HORIZON',
  retry: {
    maximumRetryAttempts: 5,
    maximumRecordAgeInSeconds: 3_600,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
  },
  parallelizationFactor: 4,
  maxIteratorAgeMs: 60_000,
};

describe('streamStageMappingSettings', () => {
  it('takes every setting from the definition, with AWS names', () => {
    expect(streamStageMappingSettings(publisher)).toEqual({
      batchSize: 250,
      maximumBatchingWindowInSeconds: 2,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 5,
      maximumRecordAgeInSeconds: 3_600,
      bisectBatchOnFunctionError: true,
      functionResponseTypes: ['ReportBatchItemFailures'],
      parallelizationFactor: 4,
    });
  });

  it("defaults ParallelizationFactor to AWS's 1 and omits partial responses when the stage does", () => {
    const { parallelizationFactor: _unset, ...plain } = publisher;
    const settings = streamStageMappingSettings({
      ...plain,
      retry: { ...plain.retry, reportBatchItemFailures: false },
    });
    expect(settings.parallelizationFactor).toBe(DYNAMODB_STREAM_MAPPING_DEFAULTS.parallelizationFactor);
    expect(settings.functionResponseTypes).toEqual([]);
  });

  it.each([
    ['BatchSize', { batchSize: 0 }],
    ['BatchSize', { batchSize: 10_001 }],
    ['BatchSize', { batchSize: 1.5 }],
    ['MaximumBatchingWindowInSeconds', { maximumBatchingWindowInSeconds: -1 }],
    ['MaximumBatchingWindowInSeconds', { maximumBatchingWindowInSeconds: 301 }],
    ['ParallelizationFactor', { parallelizationFactor: 0 }],
    ['ParallelizationFactor', { parallelizationFactor: 11 }],
  ])('refuses %s %j from the definition, naming the stage', (property, change) => {
    const call = () => streamStageMappingSettings({ ...publisher, ...change });
    expect(call).toThrowError(EventSourceMappingSettingError);
    expect(call).toThrowError(new RegExp(`${property}: publisher: `));
  });

  it.each([
    ['MaximumRetryAttempts', { maximumRetryAttempts: -2 }],
    ['MaximumRetryAttempts', { maximumRetryAttempts: 10_001 }],
    ['MaximumRecordAgeInSeconds', { maximumRecordAgeInSeconds: 59 }],
    ['MaximumRecordAgeInSeconds', { maximumRecordAgeInSeconds: 604_801 }],
  ])('refuses retry %s %j', (property, change) => {
    expect(() =>
      streamStageMappingSettings({ ...publisher, retry: { ...publisher.retry, ...change } }),
    ).toThrowError(property);
  });

  it.each([
    { batchSize: 1 },
    { batchSize: 10_000 },
    { maximumBatchingWindowInSeconds: 0 },
    { maximumBatchingWindowInSeconds: 300 },
    { parallelizationFactor: 1 },
    { parallelizationFactor: 10 },
    { startingPosition: 'LATEST' as const },
  ])('accepts the bound %j', (change) => {
    expect(() => streamStageMappingSettings({ ...publisher, ...change })).not.toThrow();
  });

  it('accepts -1 (infinite) retries and record age, and both documented bounds', () => {
    for (const [maximumRetryAttempts, maximumRecordAgeInSeconds] of [
      [-1, -1],
      [0, 60],
      [10_000, 604_800],
    ] as const) {
      expect(
        streamStageMappingSettings({
          ...publisher,
          retry: { ...publisher.retry, maximumRetryAttempts, maximumRecordAgeInSeconds },
        }),
      ).toMatchObject({ maximumRetryAttempts, maximumRecordAgeInSeconds });
    }
  });

  it('validates overrides like the rest', () => {
    expect(streamStageMappingSettings(publisher, { batchSize: 7 }).batchSize).toBe(7);
    expect(() => streamStageMappingSettings(publisher, { batchSize: 0 })).toThrowError('BatchSize');
  });
});

describe('one validator for CDK and the emulator', () => {
  it('the emulator refuses exactly what the shared validator refuses, with the same message', () => {
    const arn = 'arn:aws:dynamodb:ddblocal:000000000000:table/toy-outbox/stream/2026-01-01T00:00:00.000';
    const where = `publisher/${arn}`;
    const bad = { ...streamStageMappingSettings(publisher), parallelizationFactor: 11 };
    const shared = () => validateStreamMappingSettings(bad, where);
    const local = () =>
      dynamoDbStreamMappingSettings({ ...bad, functionName: 'publisher', eventSourceArn: arn });
    expect(shared).toThrowError(EventSourceMappingSettingError);
    expect(local).toThrowError(EventSourceMappingSettingError);
    let sharedMessage = '';
    try {
      shared();
    } catch (error) {
      sharedMessage = (error as Error).message;
    }
    expect(local).toThrowError(sharedMessage);
  });

  it('the emulator runs the definition settings unchanged', () => {
    const arn = 'arn:aws:dynamodb:ddblocal:000000000000:table/toy-outbox/stream/2026-01-01T00:00:00.000';
    const settings = streamStageMappingSettings(publisher);
    expect(
      dynamoDbStreamMappingSettings({ ...settings, functionName: 'publisher', eventSourceArn: arn }),
    ).toEqual({
      ...settings,
      functionName: 'publisher',
      eventSourceArn: arn,
    });
  });

  it('inRange is the one range check: integer, inclusive bounds, the property named', () => {
    expect(() => inRange('w', 'BatchSize', 1, 1, 10)).not.toThrow();
    expect(() => inRange('w', 'BatchSize', 10, 1, 10)).not.toThrow();
    expect(() => inRange('w', 'BatchSize', 11, 1, 10)).toThrowError(
      'Event source mapping BatchSize: w: 11 is outside 1–10',
    );
    expect(() => inRange('w', 'BatchSize', 2.5, 1, 10)).toThrowError(EventSourceMappingSettingError);
  });
});
