/** The L1 mapping properties and their validation against the ranges AWS documents. */
import { describe, expect, it } from 'vitest';
import {
  assertFitsOnePollerGroup,
  ESM_METRICS,
  EventSourceMappingConfigError,
  kafkaDestination,
  kafkaEventSourceMappingProps,
} from '../../lib/kafka/kafka-event-source-mapping.ts';
import { eventSourceMappingsOf, STAGES, type StageSpec, stageSpec } from '../../shared/pipeline/index.ts';

const CLUSTER = 'arn:aws:kafka:eu-west-3:123456789012:cluster/orion-dev/abc-1';
const stage = stageSpec('normalization');
const [mapping] = eventSourceMappingsOf(stage);

function withStage(patch: Partial<StageSpec>): StageSpec {
  return { ...stage, ...patch };
}

describe('kafkaEventSourceMappingProps', () => {
  it('maps every pipeline setting to its CloudFormation property', () => {
    expect(kafkaEventSourceMappingProps(stage, mapping!, CLUSTER, 'fn')).toEqual({
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
      destinationConfig: { onFailure: { destination: 'kafka://cdr.dlq' } },
      metricsConfig: { metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
    });
    expect(ESM_METRICS).toHaveLength(3);
    expect(kafkaDestination('cdr.dlq')).toBe('kafka://cdr.dlq');
  });

  it('adds the poller group when given, and checks the pipeline fits one group', () => {
    const props = kafkaEventSourceMappingProps(stage, mapping!, CLUSTER, 'fn', {
      pollerGroupName: 'orion-dev',
    });
    expect(props.provisionedPollerConfig).toEqual({
      minimumPollers: stage.pollers.minimum,
      maximumPollers: stage.pollers.maximum,
      pollerGroupName: 'orion-dev',
    });
    expect(() => assertFitsOnePollerGroup(STAGES)).not.toThrow();
    const greedy = STAGES.map((s) => ({ ...s, pollers: { minimum: 1, maximum: 200 } }));
    expect(() => assertFitsOnePollerGroup(greedy)).toThrow(EventSourceMappingConfigError);
  });

  it('omits FunctionResponseTypes when partial batch responses are off', () => {
    const props = kafkaEventSourceMappingProps(
      withStage({ retry: { ...stage.retry, reportBatchItemFailures: false } }),
      mapping!,
      CLUSTER,
      'fn',
    );
    expect(props.functionResponseTypes).toBeUndefined();
  });

  it.each([
    ['BatchSize', { batchSize: 0 }],
    ['BatchSize', { batchSize: 10_001 }],
    ['MaximumBatchingWindowInSeconds', { maximumBatchingWindowInSeconds: 301 }],
    ['ProvisionedPollerConfig.MinimumPollers', { pollers: { minimum: 0, maximum: 4 } }],
    ['ProvisionedPollerConfig.MinimumPollers', { pollers: { minimum: 201, maximum: 300 } }],
    ['ProvisionedPollerConfig.MaximumPollers', { pollers: { minimum: 1, maximum: 2001 } }],
    ['ProvisionedPollerConfig', { pollers: { minimum: 5, maximum: 4 } }],
    ['MaximumRetryAttempts', { retry: { ...stage.retry, maximumRetryAttempts: 10_001 } }],
    ['MaximumRetryAttempts', { retry: { ...stage.retry, maximumRetryAttempts: -2 } }],
    ['MaximumRecordAgeInSeconds', { retry: { ...stage.retry, maximumRecordAgeInSeconds: 59 } }],
    ['MaximumRecordAgeInSeconds', { retry: { ...stage.retry, maximumRecordAgeInSeconds: 604_801 } }],
    ['DestinationConfig', { onFailureTopic: 'cdr.validated' }],
  ] as Array<[string, Partial<StageSpec>]>)('rejects an out-of-range %s', (property, patch) => {
    const error = (() => {
      try {
        kafkaEventSourceMappingProps(withStage(patch), mapping!, CLUSTER, 'fn');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EventSourceMappingConfigError);
    expect((error as EventSourceMappingConfigError).property).toBe(property);
  });

  it('accepts the documented sentinels (-1 = infinite) and the range limits', () => {
    const limits = withStage({
      batchSize: 10_000,
      maximumBatchingWindowInSeconds: 300,
      pollers: { minimum: 200, maximum: 2000 },
      retry: { ...stage.retry, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1 },
    });
    expect(() => kafkaEventSourceMappingProps(limits, mapping!, CLUSTER, 'fn')).not.toThrow();
  });
});
