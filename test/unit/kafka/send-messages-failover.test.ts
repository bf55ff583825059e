/**
 * kafkajs' produce path across a leader failover, as ORION installs it (patches/kafkajs+2.2.4.patch,
 * applied by patch-package): a partition whose leader failed mid-send must be sent again to its
 * new leader even when that broker already answered for its own partitions. Stock kafkajs 2.2.4
 * resolves the send without writing those messages (tulios/kafkajs#1303), which the broker-kill
 * fault run saw as 18 lost records; each test here fails on the unpatched file. And a batch the
 * broker wrote must keep its idempotent sequence numbers: stock kafkajs took back the numbers of
 * every partition of a request answered with an error for one of them (a leader election), gave
 * them to the next send's batch of the same size, and the broker answered that one as a duplicate
 * without writing it (3 CDRs lost in a CI soak run); the partial-failure test fails on that code.
 *
 * A fake cluster and fake brokers stand in for Kafka (the behaviour under test is the client's
 * retry bookkeeping); kafkajs' own retrier, error codes and response serializer are real.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const createSendMessages = require('kafkajs/src/producer/sendMessages.js');
const createRetry = require('kafkajs/src/retry/index.js');
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js');
const { KafkaJSConnectionError } = require('kafkajs/src/errors.js');

const NOT_LEADER_FOR_PARTITION = 6;
const TOPIC = 'cdr.raw.fr';

interface Message {
  readonly key: string;
  readonly value: string;
}
interface ProducedPartition {
  readonly partition: number;
  readonly firstSequence: number;
  readonly messages: readonly Message[];
}
type Answer = 'ok' | Error | ((partitions: readonly ProducedPartition[]) => Promise<'ok' | Error>);

/** A cluster of fake brokers whose partition leaders a test moves. */
function fakeCluster(leaders: Record<number, number | undefined>) {
  const calls: Array<{ nodeId: number; partitions: ProducedPartition[] }> = [];
  const answers = new Map<number, Answer[]>();
  let pendingLeaders: Record<number, number | undefined> | undefined;
  const metadata = () =>
    Object.entries(leaders)
      .filter(([, leader]) => leader !== undefined)
      .map(([partitionId, leader]) => ({ partitionId: Number(partitionId), leader }));
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: Array<{ topic: string; partitions: ProducedPartition[] }> }) {
      const partitions = topicData.flatMap((t) => t.partitions.map((p) => ({ ...p })));
      calls.push({ nodeId, partitions });
      const next = answers.get(nodeId)?.shift() ?? 'ok';
      const answer = typeof next === 'function' ? await next(partitions) : next;
      if (answer instanceof Error) throw answer;
      return {
        topics: topicData.map((t) => ({
          topicName: t.topic,
          partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
        })),
      };
    },
  });
  const brokers = new Map([1, 2, 3].map((id) => [id, broker(id)]));
  const cluster = {
    targetTopics: new Set<string>(),
    async addMultipleTargetTopics(topics: string[]) {
      for (const t of topics) cluster.targetTopics.add(t);
    },
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {
      if (pendingLeaders) Object.assign(leaders, pendingLeaders);
      pendingLeaders = undefined;
    },
    isConnected: () => true,
    async connect() {},
    removeBroker() {},
    findTopicPartitionMetadata: () => metadata(),
    // As kafkajs' Cluster: a partition the metadata does not hold is left out.
    findLeaderForPartitions(_topic: string, partitions: string[]) {
      const result: Record<number, number[]> = {};
      for (const id of partitions) {
        const p = metadata().find((m) => m.partitionId === Number(id));
        if (!p) continue;
        result[p.leader!] = [...(result[p.leader!] ?? []), p.partitionId];
      }
      return result;
    },
    async findBroker({ nodeId }: { nodeId: string }) {
      return brokers.get(Number(nodeId))!;
    },
  };
  return {
    cluster,
    calls,
    /** Answers of broker `nodeId` to its next produce requests, in order (then 'ok'). */
    answer(nodeId: number, ...next: Answer[]) {
      answers.set(nodeId, next);
    },
    /** Leaders the next metadata refresh sees. */
    afterRefresh(next: Record<number, number | undefined>) {
      pendingLeaders = next;
    },
  };
}

/** kafkajs' idempotent sequence bookkeeping, reduced to what the send path uses. */
function fakeEosManager() {
  const sequences = new Map<string, number>();
  const key = (topic: string, partition: number) => `${topic}/${partition}`;
  return {
    isTransactional: () => false,
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    getSequence: (topic: string, partition: number) => sequences.get(key(topic, partition)) ?? 0,
    updateSequence(topic: string, partition: number, increment: number) {
      sequences.set(key(topic, partition), (sequences.get(key(topic, partition)) ?? 0) + increment);
    },
    async acquireBrokerLock(_broker: { nodeId: number }) {},
    async releaseBrokerLock(_broker: { nodeId: number }) {},
  };
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Options of {@link sender}. */
interface SenderOptions {
  /** @default a fresh {@link fakeEosManager} */
  readonly eosManager?: ReturnType<typeof fakeEosManager>;
  /** @default the message's key is its partition */
  readonly partitioner?: (args: { message: Message }) => number;
  readonly retries?: number;
  readonly initialRetryTime?: number;
  readonly maxRetryTime?: number;
}

/** The installed kafkajs produce path over `cluster`: each call sends its messages to {@link TOPIC}. */
function sender(cluster: ReturnType<typeof fakeCluster>['cluster'], options: SenderOptions = {}) {
  const sendMessages = createSendMessages({
    logger: silentLogger,
    cluster,
    partitioner: options.partitioner ?? (({ message }: { message: Message }) => Number(message.key)),
    eosManager: options.eosManager ?? fakeEosManager(),
    retrier: createRetry({
      retries: options.retries ?? 5,
      initialRetryTime: options.initialRetryTime ?? 1,
      maxRetryTime: options.maxRetryTime ?? 5,
    }),
  });
  return (messages: readonly Message[]) =>
    sendMessages({ acks: -1, timeout: 30_000, topicMessages: [{ topic: TOPIC, messages }] });
}

/** A send of `messages` (key = partition) through the installed kafkajs produce path. */
function send(cluster: ReturnType<typeof fakeCluster>['cluster'], messages: Message[]) {
  return sender(cluster)(messages);
}

const messages = (partitions: number[]) =>
  partitions.map((p, i) => ({ key: String(p), value: `record-${i}` }));

const sentTo = (calls: ReturnType<typeof fakeCluster>['calls'], partition: number) =>
  calls.flatMap((c) =>
    c.partitions.filter((p) => p.partition === partition).map((p) => ({ nodeId: c.nodeId, ...p })),
  );

describe('kafkajs produce across a leader failover (ORION patch)', () => {
  it('re-sends a failed leader’s partitions to a broker that already answered for its own', async () => {
    const fake = fakeCluster({ 0: 1, 1: 2 });
    fake.answer(2, createErrorFromCode(NOT_LEADER_FOR_PARTITION));
    fake.afterRefresh({ 1: 1 }); // broker 1 takes partition 1 over

    const responses = await send(fake.cluster, messages([0, 1, 1]));

    const partition1 = sentTo(fake.calls, 1);
    expect(partition1.map((p) => p.nodeId)).toEqual([2, 1]);
    // The failed request's sequence is rolled back: the new leader gets the same one.
    expect(partition1.map((p) => p.firstSequence)).toEqual([0, 0]);
    expect(partition1[1]!.messages.map((m) => m.value)).toEqual(['record-1', 'record-2']);
    expect(sentTo(fake.calls, 0).map((p) => p.nodeId)).toEqual([1]); // acknowledged once, not re-sent
    expect(responses.map((r: { partition: number }) => r.partition).sort()).toEqual([0, 1]);
  });

  it('survives the leader’s connection dying, as a SIGKILLed broker does', async () => {
    const fake = fakeCluster({ 0: 1, 1: 2, 2: 3 });
    fake.answer(2, new KafkaJSConnectionError('Connection error: read ECONNRESET'));
    fake.afterRefresh({ 1: 3 });

    await send(fake.cluster, messages([0, 1, 2, 1]));

    expect(sentTo(fake.calls, 1).map((p) => p.nodeId)).toEqual([2, 3]);
    expect(sentTo(fake.calls, 1)[1]!.messages).toHaveLength(2);
    expect(sentTo(fake.calls, 2).map((p) => p.nodeId)).toEqual([3]);
  });

  it('waits for a partition the metadata lost instead of skipping it', async () => {
    const fake = fakeCluster({ 0: 1, 1: undefined }); // partition 1 missing (leader election)
    fake.afterRefresh({ 1: 2 });

    await send(fake.cluster, messages([0, 1]));

    expect(sentTo(fake.calls, 1).map((p) => p.nodeId)).toEqual([2]);
  });

  it('lets every request of an attempt settle before retrying, so no partition is sent twice', async () => {
    const fake = fakeCluster({ 0: 1, 1: 2 });
    let slowAnswered = false;
    fake.answer(1, async () => {
      await new Promise((r) => setTimeout(r, 50));
      slowAnswered = true;
      return 'ok';
    });
    fake.answer(2, createErrorFromCode(NOT_LEADER_FOR_PARTITION));
    fake.afterRefresh({ 1: 1 });

    await send(fake.cluster, messages([0, 1]));

    expect(slowAnswered).toBe(true);
    expect(sentTo(fake.calls, 0)).toHaveLength(1);
    expect(sentTo(fake.calls, 1).map((p) => p.nodeId)).toEqual([2, 1]);
  });

  it('keeps the assignment of keyless messages to partitions across retries', async () => {
    const fake = fakeCluster({ 0: 1, 1: 2 });
    fake.answer(2, createErrorFromCode(NOT_LEADER_FOR_PARTITION));
    fake.afterRefresh({ 1: 1 });
    let next = 0; // a round-robin partitioner, as kafkajs' for keyless messages
    await sender(fake.cluster, { partitioner: () => next++ % 2 })(messages([0, 0, 0, 0]));

    const values = fake.calls.flatMap((c) => c.partitions.flatMap((p) => p.messages.map((m) => m.value)));
    // Four messages, each written once, plus the two of the failed request re-sent.
    expect(values.sort()).toEqual(['record-0', 'record-1', 'record-1', 'record-2', 'record-3', 'record-3']);
  });
});

/**
 * The broker side of idempotence, as Kafka keeps it per producer id and partition: the next
 * sequence number it expects, and the last five batches it wrote (a batch with the same first and
 * last sequence number as one of them is a retry of it: answered, not written again).
 */
function idempotentLog() {
  const batches = new Map<number, Array<{ first: number; last: number }>>();
  const written = new Map<number, string[]>();
  /** The answer to one partition of a produce request (Kafka's error code, 0 when accepted). */
  const append = (partition: number, firstSequence: number, messages: readonly Message[]): number => {
    const held = batches.get(partition) ?? [];
    const last = firstSequence + messages.length - 1;
    if (held.slice(-5).some((b) => b.first === firstSequence && b.last === last)) return 0; // duplicate
    const expected = (held.at(-1)?.last ?? -1) + 1;
    if (firstSequence !== expected) return OUT_OF_ORDER_SEQUENCE_NUMBER;
    batches.set(partition, [...held, { first: firstSequence, last }]);
    written.set(partition, [...(written.get(partition) ?? []), ...messages.map((m) => m.value)]);
    return 0;
  };
  return { append, written: (partition: number) => written.get(partition) ?? [] };
}

const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const { parse: parseProduceResponse } = require('kafkajs/src/protocol/requests/produce/v3/response.js');

/** kafkajs' sequence bookkeeping shared by every send of one producer, with its per-broker lock. */
function sharedEosManager() {
  const eos = fakeEosManager();
  const locks = new Map<number, Promise<void>>();
  const releases = new Map<number, () => void>();
  return {
    ...eos,
    async acquireBrokerLock(broker: { nodeId: number }) {
      while (locks.has(broker.nodeId)) await locks.get(broker.nodeId);
      locks.set(broker.nodeId, new Promise<void>((resolve) => releases.set(broker.nodeId, resolve)));
    },
    async releaseBrokerLock(broker: { nodeId: number }) {
      locks.delete(broker.nodeId);
      releases.get(broker.nodeId)?.();
    },
  };
}

describe('kafkajs idempotent sequence numbers across a partial produce failure (ORION patch)', () => {
  it('never gives a written batch’s sequence numbers to another send’s messages', async () => {
    // Broker 1 leads both partitions until an election moves partition 1 to broker 2: broker 1
    // writes partition 0 of the request in flight and refuses partition 1 (NOT_LEADER_OR_FOLLOWER).
    const log = idempotentLog();
    const leaders: Record<number, number> = { 0: 1, 1: 1 };
    const fake = fakeCluster(leaders);
    const leaderNow: Record<number, number> = { 0: 1, 1: 2 };
    const answerAsKafka = (nodeId: number) => async (partitions: readonly ProducedPartition[]) => {
      await new Promise((r) => setTimeout(r, 20));
      const answers = partitions.map((p) => ({
        partition: p.partition,
        errorCode:
          leaderNow[p.partition] === nodeId
            ? log.append(p.partition, p.firstSequence, p.messages)
            : NOT_LEADER_FOR_PARTITION,
        baseOffset: '0',
        logAppendTime: '-1',
      }));
      try {
        await parseProduceResponse({ topics: [{ topicName: TOPIC, partitions: answers }], throttleTime: 0 });
        return 'ok' as const;
      } catch (error) {
        return error as Error;
      }
    };
    fake.answer(1, ...Array.from({ length: 10 }, () => answerAsKafka(1)));
    fake.answer(2, ...Array.from({ length: 10 }, () => answerAsKafka(2)));
    fake.afterRefresh({ 1: 2 });
    const eosManager = sharedEosManager();
    const producer = sender(fake.cluster, { eosManager });
    const sendWith = (values: Array<[number, string]>) =>
      producer(values.map(([p, value]) => ({ key: String(p), value })));

    // A: one message on each partition. B, while A's request is in flight: one on partition 0,
    // the size of A's batch there (stock kafkajs took A's numbers back and gave them to B).
    const a = sendWith([
      [0, 'a0'],
      [1, 'a1'],
    ]);
    await new Promise((r) => setTimeout(r, 5));
    const b = sendWith([[0, 'b0']]);
    await Promise.all([a, b]);

    expect(log.written(0)).toEqual(['a0', 'b0']);
    expect(log.written(1)).toEqual(['a1']);
  });

  it('keeps the numbers of a batch a former leader appended before it answered NOT_LEADER', async () => {
    // Broker 1 appends A's batch (its follower, broker 2, has it too), loses the leadership while
    // it waits for the acknowledgements and answers NOT_LEADER_OR_FOLLOWER. B's batch of the same
    // size arrives at broker 2 before A's retry: it must not get A's numbers.
    const log = idempotentLog();
    const fake = fakeCluster({ 0: 1 });
    fake.afterRefresh({ 0: 2 });
    const eosManager = sharedEosManager();
    const producer = sender(fake.cluster, { eosManager, initialRetryTime: 20, maxRetryTime: 40 });
    const sendWith = (value: string) => producer([{ key: '0', value }]);
    const toBroker2 = async (partitions: readonly ProducedPartition[]) =>
      log.append(0, partitions[0]!.firstSequence, partitions[0]!.messages) === 0
        ? ('ok' as const)
        : createErrorFromCode(OUT_OF_ORDER_SEQUENCE_NUMBER);
    let b: Promise<unknown> | undefined;
    fake.answer(1, async (partitions) => {
      log.append(0, partitions[0]!.firstSequence, partitions[0]!.messages);
      await fake.cluster.refreshMetadata();
      setTimeout(() => {
        b = sendWith('b');
      }, 0);
      const lostLeadership = [
        { partition: 0, errorCode: NOT_LEADER_FOR_PARTITION, baseOffset: '-1', logAppendTime: '-1' },
      ];
      return parseProduceResponse({
        topics: [{ topicName: TOPIC, partitions: lostLeadership }],
        throttleTime: 0,
      }).catch((error: Error) => error);
    });
    fake.answer(2, toBroker2, toBroker2, toBroker2);

    await sendWith('a');
    await b;

    expect(log.written(0)).toEqual(['a', 'b']);
  });

  it('gives a refused batch’s numbers back, so the next send is in sequence', async () => {
    const log = idempotentLog();
    const fake = fakeCluster({ 0: 1 });
    const MESSAGE_TOO_LARGE = 10;
    const refused = [{ partition: 0, errorCode: MESSAGE_TOO_LARGE, baseOffset: '-1', logAppendTime: '-1' }];
    fake.answer(
      1,
      () => parseProduceResponse({ topics: [{ topicName: TOPIC, partitions: refused }], throttleTime: 0 }),
      async (partitions) =>
        log.append(0, partitions[0]!.firstSequence, partitions[0]!.messages) === 0
          ? 'ok'
          : createErrorFromCode(OUT_OF_ORDER_SEQUENCE_NUMBER),
    );
    const eosManager = sharedEosManager();
    const producer = sender(fake.cluster, { eosManager, retries: 0 });
    const sendOne = (value: string) => producer([{ key: '0', value }]);

    await expect(sendOne('too-large')).rejects.toThrow(/larger than the max message size/);
    await sendOne('next');

    expect(log.written(0)).toEqual(['next']);
  });
});
