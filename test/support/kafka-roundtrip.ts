/**
 * Produce-then-consume helper for integration tests: sends keyed records with acks=all (snappy)
 * and reads them back with a fresh consumer group from the beginning.
 */
import type { Kafka } from 'kafkajs';
import kafkajs from 'kafkajs';
import { uniqueName } from './endpoints.ts';

const { CompressionTypes } = kafkajs;

/** A record as read back. */
export interface ReadRecord {
  readonly key: string;
  readonly value: string;
  readonly partition: number;
}

/**
 * Sends `messages` to `topic` in one batch with acks=all, then consumes from the beginning until
 * every sent value has been read (or `timeoutMs` passes) and returns all it read (older records too).
 *
 * @example
 * const read = await roundTrip(kafka, 'it.t', [{ key: 'k', value: 'v' }]);
 */
export async function roundTrip(
  kafka: Kafka,
  topic: string,
  messages: readonly { key: string; value: string }[],
  timeoutMs = 60_000,
): Promise<ReadRecord[]> {
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, compression: CompressionTypes.Snappy, messages: [...messages] });
  } finally {
    await producer.disconnect();
  }

  const consumer = kafka.consumer({ groupId: uniqueName('it-group'), retry: { retries: 3 } });
  const read: ReadRecord[] = [];
  const missing = new Set(messages.map((m) => m.value));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `${missing.size} of ${messages.length} records not read back from ${topic} in ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const value = m.value?.toString() ?? '';
              read.push({ key: m.key?.toString() ?? '', value, partition: batch.partition });
              missing.delete(value);
            }
            if (missing.size === 0) {
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
