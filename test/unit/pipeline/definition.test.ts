import { describe, expect, it } from 'vitest';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';
import { definePipeline, definitionProblems } from '../../../shared/pipeline/definition.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/types.ts';
import { minimalStage, minimalTopic } from './minimal-specs.ts';

const topic = minimalTopic;
const stage = minimalStage();
const base: PipelineDefinition = {
  name: 'toy',
  title: 'Toy',
  topics: ['in', 'out', 'rejected', 'dlq'].map(topic),
  stages: [stage],
  stores: [
    {
      kind: 'dynamodb',
      name: 'entities',
      description: 'x',
      tablePrefixVariable: 'P',
      defaultTablePrefix: 'p-',
      tables: [
        { suffix: 'outbox', partitionKey: { name: 'id', type: 'S' }, stream: 'NEW_IMAGE', description: 'x' },
        { suffix: 'plain', partitionKey: { name: 'id', type: 'S' }, description: 'x' },
      ],
    },
  ],
  rejectTopic: 'rejected',
  deadLetterTopics: ['dlq'],
};
const api = {
  name: 'api',
  functionDir: 'api',
  description: 'x',
  routes: [{ method: 'POST', path: '/things' }],
  stores: [{ store: 'entities', access: 'read-write' }],
  throttle: { rateLimit: 10, burstLimit: 20 },
  maxBodyBytes: 1024,
  maxLatencyP99Ms: 1000,
} as const;
const streamStage = {
  name: 'publisher',
  functionDir: 'publisher',
  description: 'x',
  source: { store: 'entities', table: 'outbox' },
  outputTopics: ['out'],
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  retry: stage.retry,
  maxIteratorAgeMs: 60_000,
} as const;

describe('definePipeline', () => {
  it('accepts the hosted pipelines and a pipeline with an HTTP API and a stream stage', () => {
    expect(definitionProblems(CDR_PIPELINE)).toEqual([]);
    expect(definitionProblems(COMMERCE_PIPELINE)).toEqual([]);
    expect(() => definePipeline({ ...base, httpApis: [api], streamStages: [streamStage] })).not.toThrow();
  });

  it('lists every problem of HTTP APIs and stream stages', () => {
    const problems = definitionProblems({
      ...base,
      httpApis: [
        {
          ...api,
          name: 'consume',
          routes: [{ method: 'GET', path: 'things' }],
          stores: [{ store: 'nope', access: 'read' }],
        },
      ],
      streamStages: [
        { ...streamStage, outputTopics: ['missing'] },
        { ...streamStage, name: 'p2', source: { store: 'entities', table: 'plain' } },
        { ...streamStage, name: 'p3', source: { store: 'entities', table: 'absent' } },
      ],
    });
    expect(problems).toEqual([
      'HTTP API "consume" has the name of another function of the pipeline',
      'HTTP API "consume" route "things" must start with "/"',
      'HTTP API "consume" uses undeclared store "nope"',
      'stream stage "publisher" output "missing" is not in the topic catalog',
      'stream stage "p2" reads table "plain", which declares no stream',
      'stream stage "p3" reads table "absent" of store "entities", which is not a declared DynamoDB table',
    ]);
  });
});
