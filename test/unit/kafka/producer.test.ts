import { describe, expect, it } from 'vitest';
import type { KafkaConnections } from '../../../shared/kafka/client.ts';
import { ProduceTimeoutError } from '../../../shared/kafka/errors.ts';
import { createBatchProducer, toTopicMessages } from '../../../shared/kafka/producer.ts';

describe('toTopicMessages', () => {
  it('groups by topic and keeps record order within a topic', () => {
    expect(
      toTopicMessages([
        { topic: 'a', key: 'k1', value: '1' },
        { topic: 'b', key: null, value: '2', headers: { h: 'v' } },
        { topic: 'a', key: 'k3', value: '3' },
      ]),
    ).toEqual([
      {
        topic: 'a',
        messages: [
          { key: 'k1', value: '1' },
          { key: 'k3', value: '3' },
        ],
      },
      { topic: 'b', messages: [{ key: null, value: '2', headers: { h: 'v' } }] },
    ]);
  });
});

/** Connections whose producer's sendBatch is given; counts resets. */
function connections(sendBatch: (args: unknown) => Promise<unknown>) {
  const state = { resets: 0, sends: [] as unknown[] };
  const conn: KafkaConnections = {
    producer: async () =>
      ({
        sendBatch: (args: unknown) => {
          state.sends.push(args);
          return sendBatch(args);
        },
      }) as never,
    admin: async () => ({}) as never,
    reset: async () => {
      state.resets++;
    },
    disconnect: async () => {},
  };
  return { conn, state };
}

describe('createBatchProducer', () => {
  it('sends ONE sendBatch with acks=all and snappy compression', async () => {
    const { conn, state } = connections(async () => []);
    await createBatchProducer(conn, { timeoutMs: 1000 }).send([
      { topic: 'a', key: 'k', value: 'v' },
      { topic: 'b', key: 'k', value: 'v' },
    ]);
    expect(state.sends).toHaveLength(1);
    expect(state.sends[0]).toMatchObject({
      acks: -1,
      compression: 2,
      topicMessages: [{ topic: 'a' }, { topic: 'b' }],
    });
  });

  it('sends nothing for an empty batch', async () => {
    const { conn, state } = connections(async () => []);
    await createBatchProducer(conn, { timeoutMs: 1000 }).send([]);
    expect(state.sends).toHaveLength(0);
  });

  it('resets the connections after a failure so the next invocation reconnects', async () => {
    const { conn, state } = connections(async () => {
      throw new Error('NOT_ENOUGH_REPLICAS');
    });
    await expect(
      createBatchProducer(conn, { timeoutMs: 1000 }).send([{ topic: 'a', key: null, value: 'v' }]),
    ).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    expect(state.resets).toBe(1);
  });

  it('gives up at the deadline', async () => {
    const { conn, state } = connections(() => new Promise(() => {}));
    await expect(
      createBatchProducer(conn, { timeoutMs: 50 }).send([{ topic: 'a', key: null, value: 'v' }]),
    ).rejects.toBeInstanceOf(ProduceTimeoutError);
    expect(state.resets).toBe(1);
  });
});
