/**
 * The environment contract of every kind of pipeline function (`shared/pipeline/environment.ts`):
 * one builder for a Kafka stage, an HTTP API's function and a stream stage. Each gets the
 * variables every function gets, Kafka's only when it produces, the address of exactly the stores
 * it declares, then its own `environment`; a missing binding is a typed error.
 */
import { describe, expect, it } from 'vitest';
import { definePipeline } from '../../../shared/pipeline/definition.ts';
import {
  type EnvironmentBindings,
  functionEnvironment,
  httpApiEnvironment,
  PipelineError,
  pipelineFunctionEnvironment,
  producesToKafka,
  stageEnvironment,
  streamStageEnvironment,
} from '../../../shared/pipeline/index.ts';
import type { HttpApiSpec, StreamStageSpec } from '../../../shared/pipeline/types.ts';
import { MINIMAL_RETRY, minimalStage, minimalTopic } from './minimal-specs.ts';

const topic = minimalTopic;
const retry = MINIMAL_RETRY;
const stage = minimalStage({ stores: [{ store: 'hot', access: 'read-write' }] });
const api: HttpApiSpec = {
  name: 'api',
  functionDir: 'api',
  description: 'x',
  routes: [{ method: 'POST', path: '/things' }],
  stores: [{ store: 'entities', access: 'read-write' }],
  throttle: { rateLimit: 10, burstLimit: 20 },
  maxBodyBytes: 1024,
  maxLatencyP99Ms: 1000,
  environment: { MAX_BODY_BYTES: '1024', LOG_LEVEL: 'DEBUG' },
};
const publisher: StreamStageSpec = {
  name: 'publisher',
  functionDir: 'publisher',
  description: 'x',
  source: { store: 'entities', table: 'outbox' },
  outputTopics: ['out'],
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  retry,
  maxIteratorAgeMs: 60_000,
};
const pipeline = definePipeline({
  name: 'toy',
  title: 'Toy',
  topics: ['in', 'out', 'rejected', 'dlq'].map(topic),
  stages: [stage],
  stores: [
    {
      kind: 'dynamodb',
      name: 'entities',
      description: 'x',
      tablePrefixVariable: 'ENTITIES_TABLE_PREFIX',
      defaultTablePrefix: 'toy-',
      tables: [
        { suffix: 'outbox', partitionKey: { name: 'id', type: 'S' }, stream: 'NEW_IMAGE', description: 'x' },
      ],
    },
    { kind: 'cassandra', name: 'hot', description: 'x', tables: [] },
  ],
  httpApis: [api],
  streamStages: [publisher],
  rejectTopic: 'rejected',
  deadLetterTopics: ['dlq'],
});

const AWS: EnvironmentBindings = {
  kafka: { brokers: 'b-1:9098,b-2:9098', auth: 'msk-iam' },
  cassandra: {
    target: 'keyspaces',
    keyspace: 'orion_dev_toy',
    endpoint: 'cassandra.eu-west-3.amazonaws.com',
  },
  dynamodb: { tablePrefixes: { entities: 'orion-dev-toy-' } },
  envName: 'dev',
};
const LOCAL: EnvironmentBindings = {
  kafka: { brokers: '127.0.0.1:9092', auth: 'none' },
  dynamodb: { endpoint: 'http://127.0.0.1:8000' },
  region: 'us-east-1',
};
const COMMON = {
  POWERTOOLS_METRICS_NAMESPACE: 'Orion',
  LOG_LEVEL: 'INFO',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};
const KAFKA_VARIABLES = ['KAFKA_BROKERS', 'KAFKA_AUTH', 'KAFKA_CLIENT_ID'];

describe('httpApiEnvironment', () => {
  it('in AWS: its service name, its one store prefix, its own variables last, and no Kafka', () => {
    expect(httpApiEnvironment(pipeline, api, AWS)).toEqual({
      ...COMMON,
      POWERTOOLS_SERVICE_NAME: 'orion-toy-api',
      ORION_STAGE: 'api',
      ORION_ENV: 'dev',
      ENTITIES_TABLE_PREFIX: 'orion-dev-toy-',
      MAX_BODY_BYTES: '1024',
      // The function's own environment wins, as for a stage.
      LOG_LEVEL: 'DEBUG',
    });
  });

  it('locally: the DynamoDB endpoint, the region, the default prefix, and needs no Kafka binding', () => {
    const { kafka: _none, ...withoutKafka } = LOCAL;
    const env = httpApiEnvironment(pipeline, api, withoutKafka);
    expect(env).toMatchObject({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      AWS_REGION: 'us-east-1',
      ENTITIES_TABLE_PREFIX: 'toy-',
    });
    for (const name of [...KAFKA_VARIABLES, 'ORION_ENV', 'CASSANDRA_TARGET'])
      expect(env).not.toHaveProperty(name);
  });

  it('refuses to build without the binding of a store it uses, naming the function and the store', () => {
    const call = () => httpApiEnvironment(pipeline, api, { kafka: AWS.kafka });
    expect(call).toThrowError(PipelineError);
    expect(call).toThrowError('Function "api" uses store "entities" but no dynamodb binding was given');
  });
});

describe('streamStageEnvironment', () => {
  it('gets Kafka (it has output topics) and no store: the mapping reads the source stream', () => {
    expect(streamStageEnvironment(pipeline, publisher, AWS)).toEqual({
      ...COMMON,
      POWERTOOLS_SERVICE_NAME: 'orion-toy-publisher',
      ORION_STAGE: 'publisher',
      ORION_ENV: 'dev',
      KAFKA_BROKERS: 'b-1:9098,b-2:9098',
      KAFKA_AUTH: 'msk-iam',
    });
  });

  it('locally sets the client id, like a stage; declared stores add their addresses', () => {
    const withStore = { ...publisher, stores: [{ store: 'entities', access: 'read' }] } as const;
    expect(streamStageEnvironment(pipeline, withStore, LOCAL)).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_AUTH: 'none',
      KAFKA_CLIENT_ID: 'orion-toy-publisher',
      ENTITIES_TABLE_PREFIX: 'toy-',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
  });

  it('without output topics gets no Kafka variables; with them, refuses a missing Kafka binding', () => {
    const silent = { ...publisher, outputTopics: [] };
    const { kafka: _none, ...withoutKafka } = AWS;
    const env = streamStageEnvironment(pipeline, silent, withoutKafka);
    for (const name of KAFKA_VARIABLES) expect(env).not.toHaveProperty(name);
    expect(() => streamStageEnvironment(pipeline, publisher, withoutKafka)).toThrowError(
      'Function "publisher" uses Kafka but no kafka binding was given',
    );
  });
});

describe('one builder for every kind of function', () => {
  it.each([
    ['a Kafka stage', stage, true],
    ['an HTTP API', api, false],
    ['a stream stage with outputs', publisher, true],
    ['a stream stage without outputs', { ...publisher, outputTopics: [] }, false],
  ] as const)('%s produces to Kafka: %s', (_kind, fn, produces) => {
    expect(producesToKafka(fn)).toBe(produces);
  });

  it('gives each kind exactly what pipelineFunctionEnvironment gives it', () => {
    expect(stageEnvironment(pipeline, stage, AWS)).toEqual(pipelineFunctionEnvironment(pipeline, stage, AWS));
    expect(httpApiEnvironment(pipeline, api, AWS)).toEqual(pipelineFunctionEnvironment(pipeline, api, AWS));
    expect(streamStageEnvironment(pipeline, publisher, AWS)).toEqual(
      pipelineFunctionEnvironment(pipeline, publisher, AWS),
    );
  });

  it('keeps the Kafka stage contract: Kafka, Keyspaces for its Cassandra store, and functionEnvironment under it', () => {
    const env = stageEnvironment(pipeline, stage, AWS);
    expect(env).toEqual({
      ...functionEnvironment(pipeline, 'consume', AWS),
      CASSANDRA_TARGET: 'keyspaces',
      CASSANDRA_KEYSPACE: 'orion_dev_toy',
      KEYSPACES_ENDPOINT: 'cassandra.eu-west-3.amazonaws.com',
    });
    expect(env).toMatchObject({
      KAFKA_BROKERS: 'b-1:9098,b-2:9098',
      KAFKA_AUTH: 'msk-iam',
      ORION_ENV: 'dev',
    });
    expect(env).not.toHaveProperty('KAFKA_CLIENT_ID');
  });
});
