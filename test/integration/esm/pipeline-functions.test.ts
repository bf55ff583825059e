/**
 * A pipeline's HTTP API and stream stage run by the local tools (`startPipelineFunctions`) on the
 * real DynamoDB Local and Kafka, from the toy outbox definition with its runnable handlers
 * (`test/fixtures/toy-outbox-pipeline/local-functions`): POST → 202 → the item and its outbox entry
 * in the tables → the outbox stream → the stream handler produces each entry to Kafka → counters;
 * the API's own environment; the definition's throttle (429) and body limit (413); a poisoned entry
 * retried then sent on-failure (one record, logged); stop() closes the port and the mapping.
 * Every run gets its own table prefix and events topic.
 */
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  httpPortVariableOf,
  type RunningPipelineFunctions,
  startPipelineFunctions,
} from '../../../localstack/esm/pipeline-functions.ts';
import { definePipeline } from '../../../shared/pipeline/definition.ts';
import type { HttpApiSpec, PipelineDefinition, StreamStageSpec } from '../../../shared/pipeline/types.ts';
import { createDynamoDbDocumentClient } from '../../../shared/storage/dynamodb/client.ts';
import { dropTables } from '../../../shared/storage/dynamodb/tables.ts';
import { TOY_OUTBOX_PIPELINE } from '../../fixtures/toy-outbox-pipeline/pipeline.ts';
import { testDynamo, testEndpoints, testKafka, uniqueName } from '../../support/endpoints.ts';

const LOCAL_FUNCTIONS = fileURLToPath(
  new URL('../../fixtures/toy-outbox-pipeline/local-functions', import.meta.url),
);
const ITEMS_STORE = TOY_OUTBOX_PIPELINE.stores.find((s) => s.name === 'items')!;
const FAST = { pollIntervalMs: 50, shardDiscoveryIntervalMs: 100, retryBackoffMs: 10, retryBackoffMaxMs: 50 };

let kafka: Kafka;
let admin: Admin;
const ddb = testDynamo();
const doc = createDynamoDbDocumentClient({ endpoint: testEndpoints().dynamodbEndpoint, region: 'us-east-1' });
const prefixes: string[] = [];
const topics: string[] = [];
const running: RunningPipelineFunctions[] = [];

beforeAll(async () => {
  kafka = testKafka('it-pipeline-functions');
  admin = kafka.admin();
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  for (const prefix of prefixes) await dropTables(doc, ITEMS_STORE.tables, prefix);
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
  ddb.destroy();
  doc.destroy();
});

/** The toy outbox pipeline on its runnable handlers, with its own events topic and `api` / `stage` changes. */
async function toyPipeline(
  api: Partial<HttpApiSpec> = {},
  stage: Partial<StreamStageSpec> = {},
): Promise<{ pipeline: PipelineDefinition; topic: string; prefix: string }> {
  const topic = uniqueName('it.functions.events');
  const prefix = `${uniqueName('it_fn')}-`;
  await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  topics.push(topic);
  prefixes.push(prefix);
  const base = TOY_OUTBOX_PIPELINE;
  const pipeline = definePipeline({
    ...base,
    topics: [...base.topics, { ...base.topics[0]!, name: topic }],
    httpApis: [{ ...base.httpApis[0]!, ...api }],
    streamStages: [
      {
        ...base.streamStages[0]!,
        outputTopics: [topic],
        environment: { TOY_EVENTS_TOPIC: topic },
        ...stage,
      },
    ],
    functionsRoot: LOCAL_FUNCTIONS,
  });
  return { pipeline, topic, prefix };
}

async function start(
  pipeline: PipelineDefinition,
  prefix: string,
  extra: Partial<Parameters<typeof startPipelineFunctions>[0]> = {},
): Promise<RunningPipelineFunctions> {
  const functions = await startPipelineFunctions({
    pipeline,
    brokers: testEndpoints().kafkaBrokers,
    tablePrefixes: { items: prefix },
    streamKnobs: FAST,
    log: () => {},
    ...extra,
  });
  running.push(functions);
  return functions;
}

/** Reads `count` records of `topic` from the beginning (a fresh group). */
async function readTopic(topic: string, count: number): Promise<{ key: string; value: string }[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('it-functions-read') });
  const read: { key: string; value: string }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${read.length} of ${count} from ${topic}`)),
        30_000,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            read.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
            if (read.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return read;
}

async function topicSize(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('startPipelineFunctions on DynamoDB Local and Kafka', () => {
  it('POST → 202 → item and outbox entry → stream → the stream stage produces it to Kafka; counters add up', async () => {
    const { pipeline, topic, prefix } = await toyPipeline();
    const functions = await start(pipeline, prefix);
    const url = functions.urls['items-api']!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const ids = Array.from({ length: 12 }, (_, i) => `item-${i}`);
    const answers = await Promise.all(ids.map((id) => post(url, { item_id: id, value: `v-${id}` })));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      item_id: string;
      coldStart: { stage: string; service: string; flag: string; itemsTable: string; instance: string };
    }[];
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 202));
    expect(bodies.map((b) => b.item_id)).toEqual(ids);
    // The API's own environment, bound to this run's table prefix.
    expect(bodies[0]!.coldStart).toMatchObject({
      stage: 'items-api',
      service: 'orion-toy-outbox-items-api',
      flag: 'on',
      itemsTable: `${prefix}items`,
    });
    // Concurrent requests were served by several execution environments (module instances), ≤ 4.
    const instances = new Set(bodies.map((b) => b.coldStart.instance));
    expect(instances.size).toBeGreaterThan(1);
    expect(instances.size).toBeLessThanOrEqual(4);

    // Path variables routed as API Gateway routes them.
    const one = await fetch(`${url}/items/item-3`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ item_id: 'item-3', value: 'v-item-3' });
    expect((await fetch(`${url}/items/nope`)).status).toBe(404);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await post(url, '{"value": 1}')).status).toBe(400);
    // The definition's body limit (64 KiB): API Gateway's 413, the handler never invoked.
    expect((await post(url, { value: 'x'.repeat(70_000) })).status).toBe(413);

    const outbox = await ddb.send(new ScanCommand({ TableName: `${prefix}item-outbox` }));
    expect(outbox.Items?.length).toBe(12);

    await functions.waitUntilCaughtUp();
    const produced = await readTopic(topic, 12);
    expect(produced.map((r) => r.key).sort()).toEqual([...ids].sort());
    expect(JSON.parse(produced.find((r) => r.key === 'item-5')!.value)).toEqual({
      item_id: 'item-5',
      value: 'v-item-5',
    });

    const counters = functions.counters();
    const api = counters.httpApis['items-api']!;
    expect(api.requests).toBe(12 + 3 + 1 + 1);
    expect(api.byStatus).toEqual({ '202': 12, '200': 1, '404': 2, '400': 1, '413': 1 });
    // 404 of an unknown id comes from the handler, 404 of an unknown route and 413 from the gateway
    expect(api.invocations).toBe(15);
    expect(api.inFlight).toBe(0);
    expect(api.latencyMs.p50).toBeGreaterThan(0);
    expect(api.latencyMs.p99).toBeGreaterThanOrEqual(api.latencyMs.p50);
    expect(counters.streamStages['outbox-publisher']).toMatchObject({
      records: 12,
      succeeded: 12,
      onFailure: 0,
      pending: 0,
      onFailureRecords: 0,
    });
    expect(counters.streamStages['outbox-publisher']!.batches).toBeGreaterThan(0);
  });

  it("answers 429 once the definition's token bucket is empty, without invoking the function", async () => {
    const { pipeline, prefix } = await toyPipeline({ throttle: { rateLimit: 1, burstLimit: 3 } });
    const functions = await start(pipeline, prefix);
    const url = functions.urls['items-api']!;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(url, { item_id: `t-${i}`, value: 'v' })).status);
    expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
    expect(statuses.slice(3).filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    const api = functions.counters().httpApis['items-api']!;
    expect(api.byStatus['429']).toBe(statuses.filter((s) => s === 429).length);
    expect(api.invocations).toBe(statuses.filter((s) => s === 202).length);
  });

  it('a poisoned entry is retried, then sent on-failure: one record kept and logged, the rest published', async () => {
    const { pipeline, topic, prefix } = await toyPipeline(
      {},
      {
        batchSize: 10,
        retry: {
          maximumRetryAttempts: 1,
          maximumRecordAgeInSeconds: -1,
          bisectBatchOnFunctionError: false,
          reportBatchItemFailures: true,
        },
      },
    );
    const lines: string[] = [];
    const functions = await start(pipeline, prefix, { log: (line) => lines.push(line) });
    const url = functions.urls['items-api']!;
    expect((await post(url, { item_id: 'good-1', value: 'a' })).status).toBe(202);
    await functions.waitUntilCaughtUp();
    expect((await post(url, { item_id: 'bad', value: 'poison' })).status).toBe(202);
    await functions.waitUntilCaughtUp();
    expect((await post(url, { item_id: 'good-2', value: 'b' })).status).toBe(202);
    await functions.waitUntilCaughtUp();

    expect(functions.onFailureRecords).toHaveLength(1);
    expect(functions.onFailureRecords[0]).toMatchObject({
      stage: 'outbox-publisher',
      record: {
        requestContext: { condition: 'RetryAttemptsExhausted' },
        DDBStreamBatchInfo: { batchSize: 1 },
      },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^stream stage outbox-publisher: 1 record\(s\) sent on-failure \(RetryAttemptsExhausted/,
    );
    expect(lines[0]).not.toContain('poison');
    const produced = await readTopic(topic, 2);
    expect(produced.map((r) => r.key).sort()).toEqual(['good-1', 'good-2']);
    expect(functions.counters().streamStages['outbox-publisher']).toMatchObject({
      records: 3,
      succeeded: 2,
      onFailure: 1,
      onFailureRecords: 1,
      retries: 1,
    });
  });

  it('listens on the port ORION_HTTP_PORT_<NAME> names; stop() closes it and the stream mapping', async () => {
    const { pipeline, topic, prefix } = await toyPipeline();
    // A free port: take an ephemeral one, give it back, ask for it by variable.
    const first = await start(pipeline, prefix);
    const port = Number(new URL(first.urls['items-api']!).port);
    await first.stop();
    const functions = await start(pipeline, prefix, {
      env: { ...process.env, [httpPortVariableOf('items-api')]: String(port) },
    });
    expect(functions.urls['items-api']).toBe(`http://127.0.0.1:${port}`);
    expect((await post(functions.urls['items-api']!, { item_id: 's-1', value: 'v' })).status).toBe(202);
    await functions.waitUntilCaughtUp();
    expect(await topicSize(topic)).toBe(1);

    await functions.stop();
    await expect(fetch(`http://127.0.0.1:${port}/items`, { method: 'POST', body: '{}' })).rejects.toThrow();
    // Written after stop: nobody reads the stream any more.
    await doc.send(
      new PutCommand({
        TableName: `${prefix}item-outbox`,
        Item: { aggregate_id: 's-2', sequence: 1, payload: JSON.stringify({ item_id: 's-2', value: 'v' }) },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await topicSize(topic)).toBe(1);
    expect(functions.counters().streamStages['outbox-publisher']!.records).toBe(1);
    await expect(functions.waitUntilCaughtUp()).rejects.toThrow(/stopped/);
  });
});
