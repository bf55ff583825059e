/**
 * Acceptance of "pipelines as data" on the CDK side: the toy two-stage pipeline, defined only in
 * `test/fixtures/toy-pipeline` (its handlers beside it, not in `functions/`, not in
 * `shared/pipelines.ts`), synthesizes with the unchanged `lib/`: its topics, two functions, two
 * mappings with its groups and `kafka://toy.dlq`, grants on exactly its topics and groups, its
 * alarms and dashboard, cdk-nag clean. Alone it creates its own platform; beside the CDR stack it
 * shares that stack's network and cluster.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrionApp } from '../../lib/config/orion-app.ts';
import {
  eventSourceMappingsOf,
  functionNameOf,
  kafkaDestination,
  type ResolvedTopic,
  resolveTopics,
  serviceNameOf,
  writeTopicsOf,
} from '../../shared/pipeline/index.ts';
import { DEFAULT_PIPELINE, PIPELINES } from '../../shared/pipelines.ts';
import { TOY_PIPELINE, TOY_TOPIC } from '../fixtures/toy-pipeline/pipeline.ts';
import { PROJECT_ROOT, type SynthesizedOrion, synthOrion } from './support/synth-orion.ts';
import { arnSuffixes, functionNamed, resourcesOf, statementsOf } from './support/template-queries.ts';

const stages = TOY_PIPELINE.stages;
const fnName = (stage: string) => functionNameOf(TOY_PIPELINE, stage, 'dev');

describe('the toy pipeline, alone', () => {
  let synth: SynthesizedOrion;
  let template: Template;
  beforeAll(() => {
    synth = synthOrion({}, { pipeline: TOY_PIPELINE });
    template = synth.template;
  }, 180_000);

  it('is the stack Orion-dev-toy, outside shared/pipelines.ts, with its handlers outside functions/', () => {
    expect(synth.stack.stackName).toBe('Orion-dev-toy');
    expect(PIPELINES).not.toContain(TOY_PIPELINE);
    expect(TOY_PIPELINE.functionsRoot).toBe(path.join(PROJECT_ROOT, 'test/fixtures/toy-pipeline/functions'));
  });

  it('creates its own network and cluster, since it shares none', () => {
    expect(synth.stack.ownsPlatform).toBe(true);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::MSK::ServerlessCluster', 1);
  });

  it('applies exactly its topic catalog', () => {
    const [resource] = Object.values(resourcesOf(template, 'Custom::OrionKafkaTopics'));
    const applied = JSON.parse(resource!.Properties.Topics as string) as ResolvedTopic[];
    expect(applied).toEqual(resolveTopics(3, TOY_PIPELINE.topics));
    expect(applied.map((t) => t.name)).toEqual([
      TOY_TOPIC.in,
      TOY_TOPIC.out,
      TOY_TOPIC.rejected,
      TOY_TOPIC.dlq,
    ]);
    functionNamed(template, fnName('topics-provisioner'));
  });

  it('has two stage functions, named and configured from the definition', () => {
    const names = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map(
      (f) => f.Properties.FunctionName,
    );
    expect(names.filter((n) => typeof n === 'string' && /^orion-dev-toy-(?!topics)/.test(n)).sort()).toEqual([
      'orion-dev-toy-forward',
      'orion-dev-toy-reject',
    ]);
    for (const stage of stages) {
      const [, fn] = functionNamed(template, fnName(stage.name));
      expect(fn.Properties.Description).toBe(stage.description);
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: serviceNameOf(TOY_PIPELINE, stage.name),
        ORION_STAGE: stage.name,
        ORION_ENV: 'dev',
        KAFKA_AUTH: 'msk-iam',
      });
    }
    // No store, no replay spec: no table, no keyspace, no replay function.
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::Cassandra::Keyspace', 0);
    expect(names).not.toContain(fnName('replay'));
  });

  it('has one mapping per source topic with its own group, the stage settings and kafka://toy.dlq', () => {
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(2);
    const byTopic = new Map(mappings.map((m) => [(m.Properties.Topics as string[])[0], m.Properties]));
    const expected = [
      [TOY_TOPIC.in, 'toy-forward.toy.in'],
      [TOY_TOPIC.out, 'toy-reject.toy.out'],
    ];
    for (const [topic, group] of expected) {
      const props = byTopic.get(topic)!;
      expect(props).toMatchObject({
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: group },
        DestinationConfig: { OnFailure: { Destination: kafkaDestination(TOY_TOPIC.dlq) } },
        BatchSize: 100,
        MaximumRetryAttempts: 2,
        MaximumRecordAgeInSeconds: -1,
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 2, PollerGroupName: 'orion-dev-toy' },
      });
    }
    expect(stages.flatMap(eventSourceMappingsOf).map((m) => m.consumerGroupId)).toEqual(
      expected.map(([, g]) => g),
    );
  });

  it.each(stages.map((s) => s.name))(
    '%s reads only its topics and groups and writes exactly writeTopicsOf(stage)',
    (name) => {
      const stage = stages.find((s) => s.name === name)!;
      const statements = statementsOf(template, functionNamed(template, fnName(name))[1]);
      const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;
      expect(arnSuffixes(bySid('ReadSourceTopics').Resource)).toEqual(stage.sourceTopics.map((t) => `/${t}`));
      expect(arnSuffixes(bySid('OwnConsumerGroups').Resource)).toEqual(
        eventSourceMappingsOf(stage).map((m) => `/${m.consumerGroupId}`),
      );
      const written = [
        ...arnSuffixes(bySid('WriteTopics').Resource),
        ...arnSuffixes(bySid('WriteOnFailureTopic').Resource),
      ];
      expect(written.sort()).toEqual(
        writeTopicsOf(stage)
          .map((t) => `/${t}`)
          .sort(),
      );
      const actions = statements.flatMap((s) => [s.Action].flat());
      expect(actions.some((a) => a.startsWith('cassandra:') || a.startsWith('dynamodb:'))).toBe(false);
      // Nothing names a topic or group of another pipeline.
      expect(JSON.stringify(statements)).not.toMatch(/cdr\./);
    },
  );

  it('alarms on every mapping and stage with the toy thresholds, to its own alarm topic', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4 * 2 + 2 * stages.length);
    const names = alarms.map((a) => String(a.Properties.AlarmName));
    for (const [stage, topic] of [
      ['forward', TOY_TOPIC.in],
      ['reject', TOY_TOPIC.out],
    ]) {
      for (const kind of ['offset-lag', 'not-polling', 'time-lag', 'dlq']) {
        expect(names).toContain(`orion-dev-toy-${stage}-${kind}-${topic}`);
      }
      expect(names).toContain(`orion-dev-toy-${stage}-error-rate`);
      expect(names).toContain(`orion-dev-toy-${stage}-pipeline-age-p99`);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orion-dev-toy-forward-offset-lag-toy.in',
      Threshold: stages[0]!.alarms.maxOffsetLag,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orion-dev-toy-reject-pipeline-age-p99',
      Threshold: stages[1]!.alarms.maxPipelineAgeP99Ms,
      Dimensions: [
        { Name: 'service', Value: 'orion-toy-reject' },
        { Name: 'stage', Value: 'reject' },
      ],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'orion-dev-toy-alarms' });
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  it('has a dashboard with a row per stage', () => {
    const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboard!.Properties.DashboardName).toBe('orion-dev-toy');
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const stage of stages) expect(body).toContain(`${stage.name}: records to ${TOY_TOPIC.dlq}`);
  });

  it('is cdk-nag clean', () => {
    expect(synth.findings).toEqual([]);
  });
});

describe('the toy pipeline beside the CDR pipeline', () => {
  let cdr: Template;
  let toy: Template;
  let toyOwnsPlatform: boolean;
  let findings: string[];
  beforeAll(() => {
    const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const { app, stacks } = createOrionApp({
      context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
      pipelines: [DEFAULT_PIPELINE, TOY_PIPELINE],
    });
    const assembly = app.synth();
    const [cdrStack, toyStack] = stacks;
    cdr = Template.fromJSON(assembly.getStackArtifact(cdrStack!.artifactId).template);
    toy = Template.fromJSON(assembly.getStackArtifact(toyStack!.artifactId).template);
    toyOwnsPlatform = toyStack!.ownsPlatform;
    findings = stacks.flatMap((s) =>
      Object.entries(assembly.getStackArtifact(s.artifactId).metadata).flatMap(([p, entries]) =>
        entries
          .filter((e) => e.type === 'aws:cdk:error' || e.type === 'aws:cdk:warning')
          .map((e) => `${p}: ${e.data}`),
      ),
    );
  }, 180_000);

  it('gets one stack per pipeline; the second creates no network and no cluster', () => {
    expect(toyOwnsPlatform).toBe(false);
    cdr.resourceCountIs('AWS::EC2::VPC', 1);
    toy.resourceCountIs('AWS::EC2::VPC', 0);
    toy.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    toy.resourceCountIs('Custom::AWS', 0);
  });

  it("maps the toy topics on the CDR stack's cluster, through its exports", () => {
    for (const mapping of Object.values(resourcesOf(toy, 'AWS::Lambda::EventSourceMapping'))) {
      expect(JSON.stringify(mapping.Properties.EventSourceArn)).toContain('Fn::ImportValue');
    }
    expect(Object.keys(cdr.toJSON().Outputs ?? {}).some((k) => k.startsWith('ExportsOutput'))).toBe(true);
    const [, forward] = functionNamed(toy, fnName('forward'));
    expect(JSON.stringify(forward.Properties.VpcConfig)).toContain('Fn::ImportValue');
  });

  it('keeps each pipeline to its own topics', () => {
    const topicsOf = (t: Template) =>
      (
        JSON.parse(
          Object.values(resourcesOf(t, 'Custom::OrionKafkaTopics'))[0]!.Properties.Topics as string,
        ) as ResolvedTopic[]
      ).map((topic) => topic.name);
    expect(topicsOf(toy)).toEqual(TOY_PIPELINE.topics.map((t) => t.name));
    expect(topicsOf(cdr)).toEqual(DEFAULT_PIPELINE.topics.map((t) => t.name));
  });

  it('is cdk-nag clean in both stacks', () => {
    expect(findings).toEqual([]);
  });
});
