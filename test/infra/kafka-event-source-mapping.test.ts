/**
 * The L1 mapping properties: a one-to-one map of the settings `shared/pipeline/esm-settings.ts`
 * builds and validates (its ranges are tested in `test/unit/esm`); CDK adds no validator of its own.
 */
import { describe, expect, it } from 'vitest';
import { kafkaEventSourceMappingProps } from '../../lib/kafka/kafka-event-source-mapping.ts';
import { stageSpec } from '../../shared/cdr/pipeline.ts';
import {
  EventSourceMappingSettingError,
  eventSourceMappingSettings,
  eventSourceMappingsOf,
  type StageSpec,
} from '../../shared/pipeline/index.ts';

const CLUSTER = 'arn:aws:kafka:eu-west-3:123456789012:cluster/orion-dev/abc-1';
const stage = stageSpec('normalization');
const [mapping] = eventSourceMappingsOf(stage);
const settingsOf = (s: StageSpec) => eventSourceMappingSettings(s, mapping!, { functionName: 'fn' });

describe('kafkaEventSourceMappingProps', () => {
  it('maps every setting to its CloudFormation property', () => {
    expect(kafkaEventSourceMappingProps(settingsOf(stage), { eventSourceArn: CLUSTER })).toEqual({
      functionName: 'fn',
      eventSourceArn: CLUSTER,
      enabled: true,
      topics: [mapping!.topic],
      amazonManagedKafkaEventSourceConfig: { consumerGroupId: mapping!.consumerGroupId },
      startingPosition: stage.startingPosition,
      batchSize: stage.batchSize,
      maximumBatchingWindowInSeconds: stage.maximumBatchingWindowInSeconds,
      provisionedPollerConfig: {
        minimumPollers: stage.pollers.minimum,
        maximumPollers: stage.pollers.maximum,
      },
      maximumRetryAttempts: stage.retry.maximumRetryAttempts,
      maximumRecordAgeInSeconds: stage.retry.maximumRecordAgeInSeconds,
      bisectBatchOnFunctionError: stage.retry.bisectBatchOnFunctionError,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destination: `kafka://${stage.onFailureTopic}` } },
      metricsConfig: { metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
    });
  });

  it('invokes the given function reference and adds the poller group when given', () => {
    const props = kafkaEventSourceMappingProps(settingsOf(stage), {
      eventSourceArn: CLUSTER,
      functionName: 'fn-reference',
      pollerGroupName: 'orion-dev',
    });
    expect(props.functionName).toBe('fn-reference');
    expect(props.provisionedPollerConfig).toEqual({
      minimumPollers: stage.pollers.minimum,
      maximumPollers: stage.pollers.maximum,
      pollerGroupName: 'orion-dev',
    });
  });

  it('omits FunctionResponseTypes when partial batch responses are off', () => {
    const noPartial = { ...stage, retry: { ...stage.retry, reportBatchItemFailures: false } };
    expect(
      kafkaEventSourceMappingProps(settingsOf(noPartial), { eventSourceArn: CLUSTER }).functionResponseTypes,
    ).toBeUndefined();
  });

  it('omits DestinationConfig for settings without an on-failure destination', () => {
    const settings = { ...settingsOf(stage), onFailureDestination: undefined };
    expect(
      kafkaEventSourceMappingProps(settings, { eventSourceArn: CLUSTER }).destinationConfig,
    ).toBeUndefined();
  });

  it('never sees an out-of-range value: the settings builder refuses it first, naming the AWS property', () => {
    expect(() => settingsOf({ ...stage, batchSize: 10_001 })).toThrowError(EventSourceMappingSettingError);
    expect(() => settingsOf({ ...stage, batchSize: 10_001 })).toThrowError(/BatchSize/);
  });
});
