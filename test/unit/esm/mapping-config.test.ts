import { describe, expect, it } from 'vitest';
import {
  effectiveMaximumRetryAttempts,
  MappingConfigError,
  mappingConfigOf,
  onFailureTopicOf,
} from '../../../localstack/esm/mapping-config.ts';
import { eventSourceMappingsOf, STAGES, stageSpec, TOPIC } from '../../../shared/pipeline/index.ts';

const validation = stageSpec('validation');
const mapping = eventSourceMappingsOf(validation)[0]!;

describe('mapping config', () => {
  it('takes every setting from the pipeline definition', () => {
    for (const stage of STAGES) {
      for (const m of eventSourceMappingsOf(stage)) {
        const config = mappingConfigOf(stage, m);
        expect(config).toMatchObject({
          topic: m.topic,
          consumerGroupId: m.consumerGroupId,
          batchSize: stage.batchSize,
          maximumRetryAttempts: stage.retry.maximumRetryAttempts,
          onFailureDestination: `kafka://${TOPIC.dlq}`,
        });
        expect(onFailureTopicOf(config)).toBe(TOPIC.dlq);
      }
    }
  });

  it.each([
    [{ batchSize: 0 }, 'INVALID_BATCH_SIZE'],
    [{ batchSize: 10_001 }, 'INVALID_BATCH_SIZE'],
    [{ maximumBatchingWindowInSeconds: 301 }, 'INVALID_BATCHING_WINDOW'],
    [{ maximumBatchingWindowInSeconds: 0.5 }, 'INVALID_BATCHING_WINDOW'],
    [{ maximumRetryAttempts: -2 }, 'INVALID_RETRY_ATTEMPTS'],
    [{ maximumRetryAttempts: 10_001 }, 'INVALID_RETRY_ATTEMPTS'],
    [{ maximumRecordAgeInSeconds: 59 }, 'INVALID_RECORD_AGE'],
    [{ maximumRecordAgeInSeconds: 604_801 }, 'INVALID_RECORD_AGE'],
    [{ onFailureDestination: 'arn:aws:sqs:x' }, 'INVALID_DESTINATION'],
    [{ onFailureDestination: `kafka://${mapping.topic}` }, 'INVALID_DESTINATION'],
    [{ provisionedPollers: { minimum: 3, maximum: 2 } }, 'INVALID_POLLERS'],
  ])('rejects %o with %s', (override, code) => {
    expect(() => mappingConfigOf(validation, mapping, override)).toThrow(
      expect.objectContaining({ code, name: MappingConfigError.name }),
    );
  });

  it('accepts the bounds AWS accepts', () => {
    expect(() =>
      mappingConfigOf(validation, mapping, {
        batchSize: 10_000,
        maximumBatchingWindowInSeconds: 300,
        maximumRetryAttempts: -1,
        maximumRecordAgeInSeconds: 60,
      }),
    ).not.toThrow();
  });

  it('caps infinite retries at 10 when an on-failure destination is set, as AWS does', () => {
    const infinite = mappingConfigOf(validation, mapping, { maximumRetryAttempts: -1 });
    expect(effectiveMaximumRetryAttempts(infinite)).toBe(10);
    const noDestination = { ...infinite, onFailureDestination: undefined };
    expect(effectiveMaximumRetryAttempts(noDestination)).toBe(Number.POSITIVE_INFINITY);
    expect(
      effectiveMaximumRetryAttempts(mappingConfigOf(validation, mapping, { maximumRetryAttempts: 2 })),
    ).toBe(2);
  });
});
