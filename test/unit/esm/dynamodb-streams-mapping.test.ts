/**
 * The mapping's shard handling against a scripted stream (DynamoDB Local has one shard per table
 * and never splits it): parent shards before their children, LATEST on a fresh mapping and after a
 * restart, resuming from checkpoints, and an iterator that expires mid-stream.
 */
import type { _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCheckpointStore } from '../../../localstack/esm/dynamodb-streams/checkpoint-store.ts';
import { dynamoDbStreamMappingSettings } from '../../../localstack/esm/dynamodb-streams/settings.ts';
import { MappingRun } from '../../../localstack/esm/dynamodb-streams/stream-mapping.ts';
import type { StreamsApi } from '../../../localstack/esm/dynamodb-streams/stream-reader.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/fake/stream/2026-01-01T00:00:00.000';

interface FakeShard {
  readonly id: string;
  readonly parent?: string;
  readonly seqs: number[];
  closed: boolean;
}

/** An in-memory stream speaking the three calls the mapping makes. */
class FakeStream implements StreamsApi {
  readonly shards: FakeShard[] = [];
  expireNextRead = false;
  private next = 1;

  shard(id: string, count: number, options: { parent?: string; closed?: boolean } = {}): FakeShard {
    const shard: FakeShard = {
      id,
      ...(options.parent ? { parent: options.parent } : {}),
      seqs: Array.from({ length: count }, () => this.next++),
      closed: options.closed ?? false,
    };
    this.shards.push(shard);
    return shard;
  }

  write(shard: FakeShard, count: number): void {
    for (let i = 0; i < count; i++) shard.seqs.push(this.next++);
  }

  async describeStream() {
    return {
      StreamDescription: {
        StreamStatus: 'ENABLED' as const,
        Shards: this.shards.map((s) => ({
          ShardId: s.id,
          ...(s.parent ? { ParentShardId: s.parent } : {}),
          SequenceNumberRange: {
            StartingSequenceNumber: String(s.seqs[0] ?? 0),
            ...(s.closed ? { EndingSequenceNumber: String(s.seqs[s.seqs.length - 1] ?? 0) } : {}),
          },
        })),
      },
    };
  }

  async getShardIterator(input: { ShardId?: string; ShardIteratorType?: string; SequenceNumber?: string }) {
    const shard = this.shards.find((s) => s.id === input.ShardId)!;
    const index =
      input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
        ? shard.seqs.findIndex((s) => s > Number(input.SequenceNumber))
        : 0;
    return { ShardIterator: `${shard.id}|${index === -1 ? shard.seqs.length : index}` };
  }

  async getRecords(input: { ShardIterator?: string; Limit?: number }) {
    if (this.expireNextRead) {
      this.expireNextRead = false;
      throw Object.assign(new Error('Iterator expired'), { name: 'ExpiredIteratorException' });
    }
    const [id, at] = input.ShardIterator!.split('|');
    const shard = this.shards.find((s) => s.id === id)!;
    const from = Number(at);
    const slice = shard.seqs.slice(from, from + (input.Limit ?? 1000));
    const to = from + slice.length;
    const Records: SdkRecord[] = slice.map((seq) => ({
      eventName: 'INSERT',
      dynamodb: {
        Keys: { id: { S: `i${seq}` } },
        SequenceNumber: String(seq),
        ApproximateCreationDateTime: new Date(),
      },
    }));
    return shard.closed && to >= shard.seqs.length
      ? { Records }
      : { Records, NextShardIterator: `${shard.id}|${to}` };
  }
}

const runs: MappingRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop()));
});

/** Starts a mapping on the fake stream; `seen` gets every invoked sequence number in order. */
async function start(
  stream: FakeStream,
  options: {
    startingPosition?: 'TRIM_HORIZON' | 'LATEST';
    store?: MemoryCheckpointStore;
    handler?: (event: DynamoDBStreamEvent) => unknown;
    seen?: number[];
  } = {},
) {
  const seen = options.seen ?? [];
  const run = new MappingRun({
    api: stream,
    settings: dynamoDbStreamMappingSettings({
      functionName: 'fn',
      eventSourceArn: ARN,
      startingPosition: options.startingPosition ?? 'TRIM_HORIZON',
      batchSize: 2,
    }),
    mappingId: 'm-1',
    store: options.store ?? new MemoryCheckpointStore(),
    handler: async (event) => {
      seen.push(...event.Records.map((r) => Number(r.dynamodb!.SequenceNumber)));
      return options.handler?.(event);
    },
    onFailure: undefined,
    knobs: {
      pollIntervalMs: 10,
      shardDiscoveryIntervalMs: 20,
      retryBackoffMs: 1,
      retryBackoffMaxMs: 5,
      functionTimeoutMs: 5000,
    },
    onError: () => {},
    close: () => {},
  });
  await run.start();
  runs.push(run);
  return { run, seen };
}

describe('MappingRun shards', () => {
  it('reads a parent shard to its end, every record done, before its children (a split keeps item order)', async () => {
    const stream = new FakeStream();
    stream.shard('parent', 5, { closed: true });
    stream.shard('child-a', 3, { parent: 'parent' });
    stream.shard('child-b', 3, { parent: 'parent' });
    const { run, seen } = await start(stream, {
      handler: async () => new Promise((resolve) => setTimeout(resolve, 15)),
    });
    await run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(seen.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.slice(5).sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(run.counters).toMatchObject({
      recordsIn: 11,
      recordsSucceeded: 11,
      recordsPending: 0,
      shardsEnded: 1,
    });
  });

  it('a child whose parent is no longer listed (trimmed) is read at once', async () => {
    const stream = new FakeStream();
    stream.shard('orphan', 2, { parent: 'gone' });
    const { run, seen } = await start(stream);
    await run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(seen).toEqual([1, 2]);
  });

  it('a shard that appears later is found and read from its start', async () => {
    const stream = new FakeStream();
    const first = stream.shard('s1', 2);
    const { run, seen } = await start(stream, { startingPosition: 'LATEST' });
    first.closed = true;
    stream.shard('s2', 3, { parent: 's1' });
    await run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(seen).toEqual([3, 4, 5]);
  });
});

describe('MappingRun starting position and checkpoints', () => {
  it('LATEST on a fresh mapping skips what the shard holds, and a restart does not read it either', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('s1', 3);
    const store = new MemoryCheckpointStore();
    const first = await start(stream, { startingPosition: 'LATEST', store });
    stream.write(shard, 2);
    await first.run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(first.seen).toEqual([4, 5]);
    await first.run.stop();
    stream.write(shard, 1);
    const second = await start(stream, { startingPosition: 'LATEST', store });
    await second.run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(second.seen).toEqual([6]);
  });

  it('LATEST on a fresh mapping with nothing processed yet: a restart reads what came after the start', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('s1', 3);
    const store = new MemoryCheckpointStore();
    const first = await start(stream, { startingPosition: 'LATEST', store });
    await first.run.stop();
    stream.write(shard, 2);
    const second = await start(stream, { startingPosition: 'TRIM_HORIZON', store });
    await second.run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(second.seen).toEqual([4, 5]);
  });

  it('a restart with the same store resumes after the checkpoint (StartingPosition ignored)', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('s1', 4);
    const store = new MemoryCheckpointStore();
    const first = await start(stream, { store });
    await first.run.waitUntilCaughtUp({ timeoutMs: 5000 });
    await first.run.stop();
    expect(store.peek('m-1', 's1')).toEqual({ sequenceNumber: '4', ended: false });
    stream.write(shard, 2);
    const second = await start(stream, { store });
    await second.run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(first.seen).toEqual([1, 2, 3, 4]);
    expect(second.seen).toEqual([5, 6]);
  });

  it('an expired iterator is renewed after the last record read: nothing lost, nothing repeated', async () => {
    const stream = new FakeStream();
    const shard = stream.shard('s1', 3);
    const { run, seen } = await start(stream);
    await run.waitUntilCaughtUp({ timeoutMs: 5000 });
    stream.expireNextRead = true;
    stream.write(shard, 3);
    await run.waitUntilCaughtUp({ timeoutMs: 5000 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
