/**
 * The pipelines of one app share an MSK cluster, an account and a region, so `createOrionApp`
 * refuses two pipelines that would claim the same Kafka topic or consumer group, or the same
 * physical name (function, table, keyspace, log group, alarm, SNS topic, SQS queue, dashboard), naming each
 * clash, HTTP APIs and stream stages included (their functions, log groups, queues and alarms).
 * Checked with copies of the toy pipelines, before any synthesis.
 */
import { describe, expect, it } from 'vitest';
import { createOrionApp, sharedNameConflicts } from '../../lib/config/orion-app.ts';
import { definePipeline, type PipelineDefinition } from '../../shared/pipeline/index.ts';
import { TOY_OUTBOX_PIPELINE } from '../fixtures/toy-outbox-pipeline/pipeline.ts';
import { TOY_PIPELINE } from '../fixtures/toy-pipeline/pipeline.ts';

const CONTEXT = { 'aws:cdk:bundling-stacks': [], 'orion:nag': false };

/** The toy under another name and infix, with `change` applied. */
function toyCopy(change: (p: PipelineDefinition) => Partial<PipelineDefinition>): PipelineDefinition {
  const base = { ...TOY_PIPELINE, name: 'toy-two', resourceInfix: 'toy-two-' };
  return definePipeline({ ...base, ...change(base) });
}

/** The toy copy with every topic renamed `<name>.2` and its groups prefixed `two-`. */
function disjointToy(): PipelineDefinition {
  const rename = (t: string) => `${t}.2`;
  return toyCopy((p) => ({
    topics: p.topics.map((t) => ({ ...t, name: rename(t.name) })),
    stages: p.stages.map((s) => ({
      ...s,
      sourceTopics: s.sourceTopics.map(rename),
      outputTopics: s.outputTopics.map(rename),
      rejectTopic: rename(s.rejectTopic),
      onFailureTopic: rename(s.onFailureTopic),
      consumerGroupPrefix: `two-${s.consumerGroupPrefix}`,
    })),
    rejectTopic: rename(p.rejectTopic),
    deadLetterTopics: p.deadLetterTopics.map(rename),
  }));
}

describe('pipelines sharing one environment', () => {
  it('refuses two pipelines with the same topics and consumer groups, naming each', () => {
    expect(() =>
      createOrionApp({ context: CONTEXT, pipelines: [TOY_PIPELINE, toyCopy(() => ({}))] }),
    ).toThrowError(
      /Kafka topic "toy\.in" is in Orion-dev-toy and Orion-dev-toy-two[\s\S]*consumer group "toy-forward\.toy\.in"/,
    );
  });

  it('accepts pipelines with disjoint topics, groups and names', () => {
    const { stacks } = createOrionApp({ context: CONTEXT, pipelines: [TOY_PIPELINE, disjointToy()] });
    expect(stacks.map((s) => s.stackName)).toEqual(['Orion-dev-toy', 'Orion-dev-toy-two']);
    expect(sharedNameConflicts(stacks)).toEqual([]);
  });

  it('names a physical-name clash of two stacks whose topics and groups are disjoint', () => {
    // Infix `toy-` + stage `two-forward` and infix `toy-two-` + stage `forward` make one name.
    const renamed = definePipeline({
      ...TOY_PIPELINE,
      stages: TOY_PIPELINE.stages.map((st) => ({ ...st, name: `two-${st.name}` })),
    });
    expect(() => createOrionApp({ context: CONTEXT, pipelines: [renamed, disjointToy()] })).toThrowError(
      /function "orion-dev-toy-two-forward" is in Orion-dev-toy and Orion-dev-toy-two/,
    );
    let message = '';
    try {
      createOrionApp({ context: CONTEXT, pipelines: [renamed, disjointToy()] });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const clash of [
      'log group "/aws/lambda/orion-dev-toy-two-forward"',
      'alarm "orion-dev-toy-two-forward-error-rate"',
      'function "orion-dev-toy-two-reject"',
    ]) {
      expect(message).toContain(`${clash} is in Orion-dev-toy and Orion-dev-toy-two`);
    }
    expect(message).not.toMatch(/Kafka topic|consumer group|dashboard|SNS topic/);
  });
});

describe('HTTP APIs and stream stages sharing one environment', () => {
  it('deploy beside another pipeline with no clash', () => {
    const { stacks } = createOrionApp({ context: CONTEXT, pipelines: [TOY_PIPELINE, TOY_OUTBOX_PIPELINE] });
    expect(stacks.map((s) => s.stackName)).toEqual(['Orion-dev-toy', 'Orion-dev-toy-outbox']);
    expect(stacks[1]!.httpApis.size).toBe(1);
    expect(stacks[1]!.streamStages.size).toBe(1);
    expect(sharedNameConflicts(stacks)).toEqual([]);
  });

  it("name a clash of an API's or a stream stage's physical names (function, queue, log groups)", () => {
    // Infix `toy-` + `outbox-items-api` and infix `toy-outbox-` + `items-api` make one name.
    const rename = (t: string) => `${t}.2`;
    const p = TOY_OUTBOX_PIPELINE;
    const twin = definePipeline({
      ...p,
      name: 'toy',
      resourceInfix: 'toy-',
      topics: p.topics.map((t) => ({ ...t, name: rename(t.name) })),
      stages: p.stages.map((st) => ({
        ...st,
        name: `outbox-${st.name}`,
        sourceTopics: st.sourceTopics.map(rename),
        rejectTopic: rename(st.rejectTopic),
        onFailureTopic: rename(st.onFailureTopic),
        consumerGroupPrefix: `two-${st.consumerGroupPrefix}`,
      })),
      httpApis: p.httpApis.map((api) => ({ ...api, name: `outbox-${api.name}` })),
      streamStages: p.streamStages.map((st) => ({
        ...st,
        name: `outbox-${st.name}`,
        outputTopics: st.outputTopics.map(rename),
      })),
      rejectTopic: rename(p.rejectTopic),
      deadLetterTopics: p.deadLetterTopics.map(rename),
    });
    let message = '';
    try {
      createOrionApp({ context: CONTEXT, pipelines: [twin, TOY_OUTBOX_PIPELINE] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^The pipelines cannot share one environment/);
    for (const clash of [
      'function "orion-dev-toy-outbox-items-api"',
      'log group "/aws/lambda/orion-dev-toy-outbox-items-api"',
      'log group "/aws/apigateway/orion-dev-toy-outbox-items-api/access"',
      'alarm "orion-dev-toy-outbox-items-api-5xx"',
      'function "orion-dev-toy-outbox-outbox-publisher"',
      'SQS queue "orion-dev-toy-outbox-outbox-publisher-on-failure"',
      'alarm "orion-dev-toy-outbox-outbox-publisher-iterator-age"',
    ]) {
      expect(message).toContain(`${clash} is in Orion-dev-toy and Orion-dev-toy-outbox`);
    }
  });
});
