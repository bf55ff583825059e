/**
 * The DynamoDB Streams event source mapping on the real DynamoDB Local: a private table with a
 * NEW_AND_OLD_IMAGES stream per test, writes through the DynamoDB API, the handler invoked the way
 * Lambda invokes it. Each behaviour names its AWS page in the module it tests
 * (localstack/esm/dynamodb-streams/*); the README's DynamoDB Streams section maps them.
 */
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DYNAMODB_LOCAL_REGION } from '../../../localstack/embedded/endpoints.ts';
import {
  type DynamoDbStreamMapping,
  type DynamoDbStreamOnFailureRecord,
  MemoryCheckpointStore,
  startDynamoDbStreamMapping,
} from '../../../localstack/esm/dynamodb-streams/index.ts';
import type { StartDynamoDbStreamMappingOptions } from '../../../localstack/esm/dynamodb-streams/types.ts';
import { MAX_INVOCATION_PAYLOAD_BYTES } from '../../../localstack/esm/payload-size.ts';
import { testDynamo, testEndpoints, uniqueName } from '../../support/endpoints.ts';

let ddb: DynamoDBClient;
const tables: string[] = [];
const mappings: DynamoDbStreamMapping[] = [];
const releases: Array<() => void> = [];

beforeAll(() => {
  ddb = testDynamo();
});

afterEach(async () => {
  for (const release of releases.splice(0)) release();
  await Promise.all(mappings.splice(0).map((m) => m.stop()));
});

afterAll(async () => {
  for (const table of tables) await ddb.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
  ddb.destroy();
});

/** A fresh table keyed by `id` with a NEW_AND_OLD_IMAGES stream; returns its name and stream ARN. */
async function streamTable(): Promise<{ table: string; streamArn: string }> {
  const table = uniqueName('it_ddbs');
  const out = await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  tables.push(table);
  return { table, streamArn: out.TableDescription!.LatestStreamArn! };
}

/** Starts a mapping with fast test knobs (short polls and retries). */
async function start(options: StartDynamoDbStreamMappingOptions): Promise<DynamoDbStreamMapping> {
  const mapping = await startDynamoDbStreamMapping({
    endpoint: testEndpoints().dynamodbEndpoint,
    region: DYNAMODB_LOCAL_REGION,
    pollIntervalMs: 50,
    shardDiscoveryIntervalMs: 100,
    retryBackoffMs: 10,
    retryBackoffMaxMs: 50,
    ...options,
  });
  mappings.push(mapping);
  return mapping;
}

async function put(table: string, id: string, attributes: Record<string, string> = {}): Promise<void> {
  const item: Record<string, { S: string }> = { id: { S: id } };
  for (const [name, value] of Object.entries(attributes)) item[name] = { S: value };
  await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
}

/** Writes items `<prefix>0 … <prefix>(count-1)` in BatchWriteItem calls of 25. */
async function putMany(table: string, count: number, prefix = 'k', pad = ''): Promise<void> {
  const requests = Array.from({ length: count }, (_, i) => ({
    PutRequest: { Item: { id: { S: `${prefix}${i}` }, ...(pad ? { pad: { S: pad } } : {}) } },
  }));
  for (let i = 0; i < requests.length; i += 25) {
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(i, i + 25) } }));
  }
}

const idOf = (r: DynamoDBRecord) => r.dynamodb!.Keys!.id!.S!;
const seqOf = (r: DynamoDBRecord) => BigInt(r.dynamodb!.SequenceNumber!);

/** A handler recording every invocation's records. */
function recorder(respond: (event: DynamoDBStreamEvent, call: number) => unknown = () => undefined): {
  handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
  calls: DynamoDBRecord[][];
} {
  const calls: DynamoDBRecord[][] = [];
  return {
    calls,
    handler: async (event) => {
      calls.push(event.Records);
      return respond(event, calls.length);
    },
  };
}

describe('DynamoDB Streams mapping on DynamoDB Local', () => {
  it('delivers INSERT / MODIFY / REMOVE in stream order with the documented event shape', async () => {
    const { table, streamArn } = await streamTable();
    const { handler, calls } = recorder();
    const mapping = await start({ tableName: table, handler, startingPosition: 'LATEST' });
    const writtenAt = Date.now();
    await put(table, 'a', { v: '1' });
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: 'a' } },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': { S: '2' } },
      }),
    );
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: 'a' } } }));
    await put(table, 'b', { v: '1' });
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });

    const records = calls.flat();
    expect(records.map((r) => [r.eventName, idOf(r)])).toEqual([
      ['INSERT', 'a'],
      ['MODIFY', 'a'],
      ['REMOVE', 'a'],
      ['INSERT', 'b'],
    ]);
    const [insert, modify, remove] = records as [DynamoDBRecord, DynamoDBRecord, DynamoDBRecord];
    for (const r of records) {
      expect(r).toMatchObject({
        eventSource: 'aws:dynamodb',
        eventSourceARN: streamArn,
        dynamodb: { StreamViewType: 'NEW_AND_OLD_IMAGES', Keys: { id: { S: idOf(r) } } },
      });
      expect(typeof r.eventID).toBe('string');
      expect(typeof r.eventVersion).toBe('string');
      expect(typeof r.awsRegion).toBe('string');
      expect(r.dynamodb!.SizeBytes).toBeGreaterThan(0);
      expect(typeof r.dynamodb!.ApproximateCreationDateTime).toBe('number');
      expect(Math.abs(r.dynamodb!.ApproximateCreationDateTime! * 1000 - writtenAt)).toBeLessThan(120_000);
    }
    expect(insert.dynamodb).toMatchObject({ NewImage: { id: { S: 'a' }, v: { S: '1' } } });
    expect(insert.dynamodb).not.toHaveProperty('OldImage');
    expect(modify.dynamodb).toMatchObject({ NewImage: { v: { S: '2' } }, OldImage: { v: { S: '1' } } });
    expect(remove.dynamodb).toMatchObject({ OldImage: { v: { S: '2' } } });
    expect(remove.dynamodb).not.toHaveProperty('NewImage');
    const seqs = records.map(seqOf);
    expect([...seqs].sort((x, y) => (x < y ? -1 : 1))).toEqual(seqs);
    expect(new Set(seqs).size).toBe(4);
    expect(mapping.counters).toMatchObject({ recordsIn: 4, recordsSucceeded: 4, recordsPending: 0 });
  });

  it('loads the handler from a module path and invokes it with a Lambda context', async () => {
    const { table } = await streamTable();
    const path = join(tmpdir(), `ddbs-handler-${randomUUID()}.mjs`);
    const key = `__ddbs_${randomUUID().replaceAll('-', '')}`;
    writeFileSync(
      path,
      `export const handler = async (event, context) => {
         (globalThis.${key} ??= []).push({ ids: event.Records.map((r) => r.dynamodb.Keys.id.S), fn: context.functionName, left: context.getRemainingTimeInMillis() });
       };`,
    );
    try {
      const mapping = await start({
        tableName: table,
        handler: path,
        functionName: 'outbox-publisher',
        startingPosition: 'TRIM_HORIZON',
      });
      await put(table, 'x');
      await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });
      const seen = (globalThis as Record<string, unknown>)[key] as Array<{
        ids: string[];
        fn: string;
        left: number;
      }>;
      expect(seen.map((s) => s.ids)).toEqual([['x']]);
      expect(seen[0]!.fn).toBe('outbox-publisher');
      expect(seen[0]!.left).toBeGreaterThan(0);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('cuts batches of BatchSize records, in shard order', async () => {
    const { table } = await streamTable();
    await putMany(table, 25);
    const { handler, calls } = recorder();
    const mapping = await start({
      tableName: table,
      handler,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 10,
    });
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5]);
    const seqs = calls.flat().map(seqOf);
    expect([...seqs].sort((x, y) => (x < y ? -1 : 1))).toEqual(seqs);
  });

  it('with a batching window, gathers records written over time into one invocation at the window end', async () => {
    const { table } = await streamTable();
    const invokedAt: number[] = [];
    const { handler, calls } = recorder(() => {
      invokedAt.push(Date.now());
    });
    const mapping = await start({
      tableName: table,
      handler,
      startingPosition: 'LATEST',
      maximumBatchingWindowInSeconds: 1,
    });
    const firstWrite = Date.now();
    for (let i = 0; i < 5; i++) {
      await put(table, `w${i}`);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });
    expect(calls.map((c) => c.map(idOf))).toEqual([['w0', 'w1', 'w2', 'w3', 'w4']]);
    expect(invokedAt[0]! - firstWrite).toBeGreaterThanOrEqual(900);
  });

  it('without a window (the default) invokes as soon as records are read', async () => {
    const { table } = await streamTable();
    const invokedAt: number[] = [];
    const { handler } = recorder(() => {
      invokedAt.push(Date.now());
    });
    const mapping = await start({ tableName: table, handler, startingPosition: 'LATEST' });
    const writtenAt = Date.now();
    await put(table, 'now');
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });
    expect(invokedAt[0]! - writtenAt).toBeLessThan(500);
  });

  it('keeps every invocation payload within 6 MB', async () => {
    const { table } = await streamTable();
    const { handler, calls } = recorder();
    const sizes: number[] = [];
    const mapping = await start({
      tableName: table,
      handler: async (event) => {
        sizes.push(Buffer.byteLength(JSON.stringify(event)));
        return handler(event);
      },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      maximumBatchingWindowInSeconds: 1,
    });
    await putMany(table, 20, 'big', 'x'.repeat(350 * 1024));
    await mapping.waitUntilCaughtUp({ timeoutMs: 20_000 });
    expect(calls.flat()).toHaveLength(20);
    expect(calls.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_INVOCATION_PAYLOAD_BYTES);
    expect(Math.max(...sizes)).toBeGreaterThan(MAX_INVOCATION_PAYLOAD_BYTES - 400 * 1024);
  });

  it('a throwing handler: the batch is retried, bisected down to the bad record, which goes on-failure as a metadata record', async () => {
    const { table, streamArn } = await streamTable();
    await putMany(table, 8, 'r');
    const bad = 'r5';
    const onFailure: DynamoDbStreamOnFailureRecord[] = [];
    const { handler, calls } = recorder((event) => {
      if (event.Records.some((r) => idOf(r) === bad)) throw new Error('cannot publish');
    });
    const mapping = await start({
      tableName: table,
      handler,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 8,
      maximumRetryAttempts: 1,
      bisectBatchOnFunctionError: true,
      onFailure: (record) => {
        onFailure.push(record);
      },
    });
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });

    expect(calls.map((c) => c.map(idOf).join(','))).toEqual([
      'r0,r1,r2,r3,r4,r5,r6,r7',
      'r0,r1,r2,r3',
      'r4,r5,r6,r7',
      'r4,r5',
      'r4',
      'r5',
      'r5',
      'r6,r7',
    ]);
    const badSeq = calls[5]![0]!.dynamodb!.SequenceNumber!;
    expect(onFailure).toHaveLength(1);
    expect(onFailure[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 5 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: { startSequenceNumber: badSeq, endSequenceNumber: badSeq, batchSize: 1, streamArn },
    });
    expect(onFailure[0]!.DDBStreamBatchInfo.shardId).toMatch(/^shardId-/);
    expect(JSON.stringify(onFailure[0])).not.toContain('"r5"');
    expect(mapping.counters).toMatchObject({
      recordsIn: 8,
      recordsSucceeded: 7,
      recordsOnFailure: 1,
      onFailureRecords: 1,
      bisects: 3,
      retries: 1,
      recordsPending: 0,
    });
  });

  it('without bisect the whole batch is retried MaximumRetryAttempts times, discarded as one record, and the shard goes on', async () => {
    const { table } = await streamTable();
    await putMany(table, 3, 'f');
    const onFailure: DynamoDbStreamOnFailureRecord[] = [];
    const { handler, calls } = recorder((event) => {
      if (event.Records.some((r) => idOf(r).startsWith('f'))) throw new Error('down');
    });
    const mapping = await start({
      tableName: table,
      handler,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 2,
      onFailure: (record) => {
        onFailure.push(record);
      },
    });
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });
    await put(table, 'after');
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });
    expect(calls.map((c) => c.map(idOf).join(','))).toEqual(['f0,f1,f2', 'f0,f1,f2', 'f0,f1,f2', 'after']);
    expect(onFailure).toHaveLength(1);
    const [first, , last] = calls[0]!;
    expect(onFailure[0]!.DDBStreamBatchInfo).toMatchObject({
      startSequenceNumber: first!.dynamodb!.SequenceNumber,
      endSequenceNumber: last!.dynamodb!.SequenceNumber,
      batchSize: 3,
    });
    expect(onFailure[0]!.requestContext.approximateInvokeCount).toBe(3);
  });

  it('a partial batch response retries from the lowest reported sequence number on, never the records before it', async () => {
    const { table } = await streamTable();
    await putMany(table, 6, 'p');
    const store = new MemoryCheckpointStore();
    const { handler, calls } = recorder((event, call): DynamoDBBatchResponse => {
      if (call > 1) return { batchItemFailures: [] };
      const [, , , p3, p4] = event.Records;
      return {
        batchItemFailures: [
          { itemIdentifier: p4!.dynamodb!.SequenceNumber! },
          { itemIdentifier: p3!.dynamodb!.SequenceNumber! },
        ],
      };
    });
    const mapping = await start({
      tableName: table,
      handler,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 6,
      reportBatchItemFailures: true,
      checkpoints: store,
      mappingId: 'partial',
    });
    await mapping.waitUntilCaughtUp({ timeoutMs: 10_000 });
    expect(calls.map((c) => c.map(idOf).join(','))).toEqual(['p0,p1,p2,p3,p4,p5', 'p3,p4,p5']);
    expect(mapping.counters).toMatchObject({ partialFailures: 1, retries: 3, recordsSucceeded: 6 });
    const shardId = (await store.load('partial'))!.shards.keys().next().value!;
    expect(store.peek('partial', shardId)).toEqual({
      sequenceNumber: calls[1]![2]!.dynamodb!.SequenceNumber,
      ended: false,
    });
  });

  it('LATEST reads only what is written after the mapping started; TRIM_HORIZON everything', async () => {
    const { table } = await streamTable();
    await putMany(table, 3, 'old');
    const latest = recorder();
    const horizon = recorder();
    const a = await start({
      tableName: table,
      handler: latest.handler,
      startingPosition: 'LATEST',
      functionName: 'a',
    });
    const b = await start({
      tableName: table,
      handler: horizon.handler,
      startingPosition: 'TRIM_HORIZON',
      functionName: 'b',
    });
    await put(table, 'new0');
    await put(table, 'new1');
    await a.waitUntilCaughtUp({ timeoutMs: 10_000 });
    await b.waitUntilCaughtUp({ timeoutMs: 10_000 });
    expect(latest.calls.flat().map(idOf)).toEqual(['new0', 'new1']);
    expect(horizon.calls.flat().map(idOf)).toEqual(['old0', 'old1', 'old2', 'new0', 'new1']);
  });

  it('a restarted mapping resumes after its checkpoint: nothing lost, nothing repeated after a clean stop', async () => {
    const { table } = await streamTable();
    const store = new MemoryCheckpointStore();
    const first = recorder();
    const one = await start({
      tableName: table,
      handler: first.handler,
      startingPosition: 'TRIM_HORIZON',
      checkpoints: store,
      mappingId: 'restart',
    });
    await putMany(table, 5, 'a');
    await one.waitUntilCaughtUp({ timeoutMs: 10_000 });
    await one.stop();
    await putMany(table, 5, 'b');
    const second = recorder();
    const two = await start({
      tableName: table,
      handler: second.handler,
      startingPosition: 'TRIM_HORIZON',
      checkpoints: store,
      mappingId: 'restart',
    });
    await two.waitUntilCaughtUp({ timeoutMs: 10_000 });
    expect(first.calls.flat().map(idOf)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(second.calls.flat().map(idOf)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
  });

  it('after a crash mid-batch, the restarted mapping redelivers only from the checkpoint (at-least-once)', async () => {
    const { table } = await streamTable();
    await putMany(table, 10, 'c');
    const store = new MemoryCheckpointStore();
    let blocked: (() => void) | undefined;
    const stuck = new Promise<void>((resolve) => {
      blocked = resolve;
    });
    releases.push(() => blocked?.());
    const first = recorder(async (event) => {
      if (event.Records.some((r) => idOf(r) === 'c7')) await stuck;
    });
    const one = await startDynamoDbStreamMapping({
      endpoint: testEndpoints().dynamodbEndpoint,
      region: DYNAMODB_LOCAL_REGION,
      pollIntervalMs: 50,
      tableName: table,
      handler: first.handler,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 3,
      checkpoints: store,
      mappingId: 'crash',
    });
    await expect.poll(() => first.calls.length, { timeout: 10_000 }).toBe(3);
    await one.kill();
    const second = recorder();
    const two = await start({
      tableName: table,
      handler: second.handler,
      startingPosition: 'TRIM_HORIZON',
      checkpoints: store,
      mappingId: 'crash',
    });
    await two.waitUntilCaughtUp({ timeoutMs: 10_000 });
    const done = first.calls.slice(0, 2).flat().map(idOf);
    const inFlight = first.calls[2]!.map(idOf);
    expect(done).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(inFlight).toEqual(['c6', 'c7', 'c8']);
    expect(second.calls.flat().map(idOf)).toEqual(['c6', 'c7', 'c8', 'c9']);
  });

  it('ParallelizationFactor runs batches of one shard concurrently and keeps each item in order', async () => {
    const { table } = await streamTable();
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let version = 1; version <= 3; version++) {
      for (const id of items) await put(table, id, { v: String(version) });
    }
    let running = 0;
    let maxRunning = 0;
    const { handler, calls } = recorder(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 40));
      running--;
    });
    const mapping = await start({
      tableName: table,
      handler,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 2,
      parallelizationFactor: 4,
    });
    await mapping.waitUntilCaughtUp({ timeoutMs: 15_000 });
    const records = calls.flat();
    expect(records).toHaveLength(24);
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxRunning).toBeLessThanOrEqual(4);
    for (const id of items) {
      expect(records.filter((r) => idOf(r) === id).map((r) => r.dynamodb!.NewImage!.v!.S)).toEqual([
        '1',
        '2',
        '3',
      ]);
    }
  });
});
