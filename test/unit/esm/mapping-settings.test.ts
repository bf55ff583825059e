/**
 * The emulator runs the mapping settings `shared/pipeline/esm-settings.ts` builds and validates
 * (their one owner): every value from the definition, the function name the pipeline gives the
 * stage, and AWS's ranges enforced on the emulator's overrides too.
 */
import { describe, expect, it } from 'vitest';
import { mappingSettingsOf } from '../../../localstack/esm/pipeline.ts';
import { CDR_PIPELINE, STAGES, stageSpec, TOPIC } from '../../../shared/cdr/pipeline.ts';
import { functionNameOf } from '../../../shared/pipeline/definition.ts';
import { EventSourceMappingSettingError } from '../../../shared/pipeline/errors.ts';
import { effectiveMaximumRetryAttempts, onFailureTopicOf } from '../../../shared/pipeline/esm-settings.ts';
import { eventSourceMappingsOf } from '../../../shared/pipeline/mappings.ts';

const validation = stageSpec('validation');
const mapping = eventSourceMappingsOf(validation)[0]!;
const settingsWith = (overrides: object) => mappingSettingsOf(CDR_PIPELINE, validation, overrides)[0]!;

describe('emulator mapping settings', () => {
  it('takes every setting from the pipeline definition, one mapping per source topic', () => {
    for (const stage of STAGES) {
      const settings = mappingSettingsOf(CDR_PIPELINE, stage);
      expect(settings.map((s) => s.topic)).toEqual(stage.sourceTopics);
      for (const [i, m] of eventSourceMappingsOf(stage).entries()) {
        expect(settings[i]).toMatchObject({
          functionName: functionNameOf(CDR_PIPELINE, stage.name),
          topic: m.topic,
          consumerGroupId: m.consumerGroupId,
          batchSize: stage.batchSize,
          maximumRetryAttempts: stage.retry.maximumRetryAttempts,
          onFailureDestination: `kafka://${TOPIC.dlq}`,
        });
        expect(onFailureTopicOf(settings[i]!)).toBe(TOPIC.dlq);
      }
    }
  });

  it.each([
    [{ batchSize: 0 }, 'BatchSize'],
    [{ batchSize: 10_001 }, 'BatchSize'],
    [{ maximumBatchingWindowInSeconds: 301 }, 'MaximumBatchingWindowInSeconds'],
    [{ maximumBatchingWindowInSeconds: 0.5 }, 'MaximumBatchingWindowInSeconds'],
    [{ maximumRetryAttempts: -2 }, 'MaximumRetryAttempts'],
    [{ maximumRetryAttempts: 10_001 }, 'MaximumRetryAttempts'],
    [{ maximumRecordAgeInSeconds: 59 }, 'MaximumRecordAgeInSeconds'],
    [{ maximumRecordAgeInSeconds: 604_801 }, 'MaximumRecordAgeInSeconds'],
    [{ onFailureDestination: 'arn:aws:sqs:x' }, 'DestinationConfig.OnFailure.Destination'],
    [{ onFailureDestination: `kafka://${mapping.topic}` }, 'DestinationConfig.OnFailure.Destination'],
    [{ provisionedPollers: { minimum: 3, maximum: 2 } }, 'ProvisionedPollerConfig'],
  ])('rejects the override %o naming %s', (override, property) => {
    expect(() => settingsWith(override)).toThrow(EventSourceMappingSettingError);
    expect(() => settingsWith(override)).toThrow(expect.objectContaining({ property }));
  });

  it('accepts the bounds AWS accepts', () => {
    expect(() =>
      settingsWith({
        batchSize: 10_000,
        maximumBatchingWindowInSeconds: 300,
        maximumRetryAttempts: -1,
        maximumRecordAgeInSeconds: 60,
      }),
    ).not.toThrow();
  });

  it('caps infinite retries at 10 when an on-failure destination is set, as AWS does', () => {
    const infinite = settingsWith({ maximumRetryAttempts: -1 });
    expect(effectiveMaximumRetryAttempts(infinite)).toBe(10);
    const noDestination = { ...infinite, onFailureDestination: undefined };
    expect(effectiveMaximumRetryAttempts(noDestination)).toBe(Number.POSITIVE_INFINITY);
    expect(effectiveMaximumRetryAttempts(settingsWith({ maximumRetryAttempts: 2 }))).toBe(2);
  });
});
