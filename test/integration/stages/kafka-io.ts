/**
 * Kafka helpers of the stage integration tests: note a topic's end offsets, read exactly the
 * records written after them (with a fresh consumer group that seeks to those offsets), start a
 * mapping's group at chosen offsets and wait for it to commit, and turn broker records into the
 * MSK event AWS would deliver.
 */
import type { Admin, Kafka } from 'kafkajs';
import { encodeKafkaEvent, type KafkaEvent, type RawKafkaRecord } from '../../../shared/kafka/msk-event.ts';
import { topicEndOffsets } from '../../../shared/kafka/topic-describe.ts';
import { uniqueName } from '../../support/endpoints.ts';
import { waitFor } from '../esm/harness.ts';

/** A record read back from the broker. */
export interface ReadRecord extends RawKafkaRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly headers: Record<string, Buffer | undefined>;
  /** Id of the idempotent producer that wrote the record (from its record batch). */
  readonly producerId?: string;
}

/** End offset (next offset to be written) of every partition of `topic`. */
export type Offsets = Map<number, number>;

/** The current end offsets of `topic` ({@link topicEndOffsets}: asked again while a new topic's leaders are elected). */
export async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  return new Map((await topicEndOffsets(admin, [topic])).get(topic));
}

/** Commits `groupId` on `topic` at `offsets`: a mapping started with that group begins exactly there. */
export async function commitGroupAt(
  admin: Admin,
  groupId: string,
  topic: string,
  offsets: Offsets,
): Promise<void> {
  await admin.setOffsets({
    groupId,
    topic,
    partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) })),
  });
}

/** Resolves once `groupId` has committed `topic` up to `to` on every partition (each record before it handled). */
export async function waitForGroupCommit(
  admin: Admin,
  groupId: string,
  topic: string,
  to: Offsets,
  timeoutMs = 120_000,
): Promise<void> {
  await waitFor(
    `${groupId} to commit ${topic} up to ${JSON.stringify([...to])}`,
    async () => {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return [...to].every(([p, end]) => (at.get(p) ?? -1) >= end);
    },
    timeoutMs,
  );
}

/**
 * Reads every record of `topic` between `from` (offsets noted earlier) and its current end, in
 * partition/offset order. Fails after `timeoutMs` if the records do not all arrive.
 */
export async function readSince(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  from: Offsets,
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const until = await endOffsets(admin, topic);
  const expected = [...until].reduce((n, [p, end]) => n + Math.max(0, end - (from.get(p) ?? 0)), 0);
  if (expected === 0) return [];
  const groupId = uniqueName('it-stages-read');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const out: ReadRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${out.length}/${expected} records of ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const start = from.get(batch.partition) ?? 0;
            const end = until.get(batch.partition) ?? 0;
            for (const m of batch.messages) {
              if (Number(m.offset) < start || Number(m.offset) >= end) continue;
              const headers: Record<string, Buffer | undefined> = Object.create(null);
              for (const [k, v] of Object.entries(m.headers ?? {}))
                headers[k] = Array.isArray(v) ? (v.at(-1) as Buffer) : (v as Buffer | undefined);
              out.push({
                topic: batch.topic,
                partition: batch.partition,
                offset: Number(m.offset),
                timestamp: Number(m.timestamp),
                key: m.key,
                value: m.value,
                headers,
                // kafkajs keeps the record batch header on each message, untyped.
                producerId: (m as { batchContext?: { producerId?: string } }).batchContext?.producerId,
              });
            }
            if (out.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      // Start each partition at the noted offset (records before it, if fetched first, are skipped).
      for (const [partition, offset] of from) consumer.seek({ topic, partition, offset: String(offset) });
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/**
 * The MSK event AWS would deliver for these records (base64 key/value, headers as byte arrays,
 * grouped by topic-partition).
 */
export function mskEventOf(records: readonly ReadRecord[], bootstrapServers: string): KafkaEvent {
  return encodeKafkaEvent(records, { bootstrapServers });
}
