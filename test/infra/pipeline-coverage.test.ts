/**
 * Walks the pipeline definition (TOPICS, STAGES, eventSourceMappingsOf) and finds every topic and
 * every stage's event source mappings in the synthesized template, with the same settings: the
 * template is derived from `shared/pipeline`, never restated.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES, TOPICS } from '../../shared/cdr/pipeline.ts';
import {
  allEventSourceMappings,
  eventSourceMappingsOf,
  type ResolvedTopic,
  resolveTopics,
} from '../../shared/pipeline/index.ts';
import { synthOrion } from './support/synth-orion.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
let template: Template;
let mappings: Resource[];
let functions: Record<string, Resource>;

beforeAll(() => {
  template = synthOrion({ 'orion:nag': false }).template;
  mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as Resource[];
  functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
}, 180_000);

function mappingFor(topic: string, group: string): Resource | undefined {
  return mappings.find(
    (m) =>
      JSON.stringify(m.Properties.Topics) === JSON.stringify([topic]) &&
      (m.Properties.AmazonManagedKafkaEventSourceConfig as { ConsumerGroupId: string }).ConsumerGroupId ===
        group,
  );
}

describe('topics', () => {
  it('carries every catalog topic, fitted to the cluster (3 brokers), in the topics resource', () => {
    const [resource] = Object.values(template.findResources('Custom::OrionKafkaTopics')) as Resource[];
    const applied = JSON.parse(resource!.Properties.Topics as string) as ResolvedTopic[];
    expect(applied.map((t) => t.name)).toEqual(TOPICS.map((t) => t.name));
    const expected = resolveTopics(3, TOPICS);
    for (const topic of TOPICS) {
      const got = applied.find((t) => t.name === topic.name)!;
      const want = expected.find((t) => t.name === topic.name)!;
      expect(got.partitions).toBe(topic.partitions);
      expect(got.replicationFactor).toBe(want.replicationFactor);
      expect(got.configs).toEqual(want.configs);
      expect(got.configs['retention.ms']).toBe(String(topic.retentionMs));
    }
  });
});

describe('event source mappings', () => {
  it('has exactly one mapping per (stage, source topic), with its own consumer group', () => {
    expect(mappings).toHaveLength(allEventSourceMappings(STAGES).length);
    const groups = mappings.map(
      (m) =>
        (m.Properties.AmazonManagedKafkaEventSourceConfig as { ConsumerGroupId: string }).ConsumerGroupId,
    );
    expect(new Set(groups).size).toBe(groups.length);
  });

  for (const stage of STAGES) {
    describe(stage.name, () => {
      it.each(eventSourceMappingsOf(stage).map((m) => [m.topic, m]))(
        '%s: settings from the pipeline definition',
        (_topic, mapping) => {
          const resource = mappingFor(mapping.topic, mapping.consumerGroupId);
          expect(resource, `mapping ${mapping.consumerGroupId}`).toBeDefined();
          expect(resource!.Properties).toMatchObject({
            Enabled: true,
            StartingPosition: stage.startingPosition,
            BatchSize: stage.batchSize,
            MaximumBatchingWindowInSeconds: stage.maximumBatchingWindowInSeconds,
            ProvisionedPollerConfig: {
              MinimumPollers: stage.pollers.minimum,
              MaximumPollers: stage.pollers.maximum,
            },
            MaximumRetryAttempts: stage.retry.maximumRetryAttempts,
            MaximumRecordAgeInSeconds: stage.retry.maximumRecordAgeInSeconds,
            BisectBatchOnFunctionError: stage.retry.bisectBatchOnFunctionError,
            DestinationConfig: { OnFailure: { Destination: `kafka://${stage.onFailureTopic}` } },
            MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
          });
          expect(resource!.Properties.FunctionResponseTypes).toEqual(
            stage.retry.reportBatchItemFailures ? ['ReportBatchItemFailures'] : undefined,
          );
          expect(resource!.Properties.EventSourceArn).toEqual({
            'Fn::GetAtt': [expect.stringMatching(/^KafkaServerless/), 'Arn'],
          });
          // Invokes this stage's function.
          const fnRef = (resource!.Properties.FunctionName as { Ref: string }).Ref;
          expect(functions[fnRef]?.Properties.FunctionName).toBe(`orion-dev-${stage.name}`);
          // Created after the topics exist and after its role may read them.
          expect(resource!.DependsOn).toContain(
            Object.keys(template.findResources('Custom::OrionKafkaTopics'))[0],
          );
          expect(resource!.DependsOn?.some((d) => /FunctionServiceRoleDefaultPolicy/.test(d))).toBe(true);
        },
      );
    });
  }

  it('points every stage that has an output at a topic of the catalog', () => {
    const names = new Set(TOPICS.map((t) => t.name));
    for (const stage of STAGES) {
      for (const topic of [
        ...stage.sourceTopics,
        stage.rejectTopic,
        stage.onFailureTopic,
        ...stage.outputTopics,
      ]) {
        if (topic) expect(names.has(topic), topic).toBe(true);
      }
    }
  });
});
