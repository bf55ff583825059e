/**
 * The offset lag of the event source mappings, per stage and partition: the mapping's committed
 * offset, the partition's end offset, the lag between them, and the age of the oldest unprocessed
 * record. AWS publishes `OffsetLag` for Kafka mappings — "the difference in offset between the last
 * record written to a topic and the last record that your function's consumer group processed"
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics);
 * the age is what the seeds' "lag > 1 minute" alarm needs.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { eventSourceMappingsOf } from '../../shared/pipeline/index.ts';
import type { StageSpec } from '../../shared/pipeline/types.ts';

/** Lag of one partition of one mapping. */
export interface PartitionLag {
  readonly stage: string;
  readonly topic: string;
  readonly consumerGroupId: string;
  readonly partition: number;
  /** Next offset the group will process; `null` when the group has committed nothing. */
  readonly committed: number | null;
  /** Offset after the last record of the partition (high watermark). */
  readonly end: number;
  /** Records not yet processed by the group (from the committed offset, or the oldest retained record). */
  readonly lag: number;
  /** Age (ms) of the oldest unprocessed record, when there is one and it could be read. */
  readonly oldestUnprocessedAgeMs: number | null;
}

/**
 * Reads the lag of every mapping of `stages`.
 * @example const rows = await readLag(kafka, admin, pipeline.stages);
 */
export async function readLag(
  kafka: Kafka,
  admin: Admin,
  stages: readonly StageSpec[],
  options: { withAge?: boolean; now?: () => number } = {},
): Promise<PartitionLag[]> {
  const rows: Array<Omit<PartitionLag, 'oldestUnprocessedAgeMs'> & { from: number }> = [];
  const existing = new Set(await admin.listTopics());
  for (const stage of stages) {
    for (const mapping of eventSourceMappingsOf(stage)) {
      if (!existing.has(mapping.topic)) continue;
      const [ends, [committed]] = await Promise.all([
        admin.fetchTopicOffsets(mapping.topic),
        admin.fetchOffsets({ groupId: mapping.consumerGroupId, topics: [mapping.topic] }),
      ]);
      const committedOf = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const p of ends) {
        const end = Number(p.high);
        const low = Number(p.low);
        const c = committedOf.get(p.partition);
        const next = c === undefined || c < 0 ? null : c;
        const from = Math.max(next ?? low, low);
        rows.push({
          stage: stage.name,
          topic: mapping.topic,
          consumerGroupId: mapping.consumerGroupId,
          partition: p.partition,
          committed: next,
          end,
          lag: Math.max(0, end - from),
          from,
        });
      }
    }
  }
  const ages =
    options.withAge === false
      ? new Map<string, number>()
      : await peekTimestamps(
          kafka,
          admin,
          rows.filter((r) => r.lag > 0),
        );
  const now = (options.now ?? Date.now)();
  return rows
    .map(({ from: _from, ...row }) => {
      const ts = ages.get(`${row.topic}:${row.partition}`);
      return { ...row, oldestUnprocessedAgeMs: ts === undefined ? null : Math.max(0, now - ts) };
    })
    .sort(
      (a, b) => a.stage.localeCompare(b.stage) || a.topic.localeCompare(b.topic) || a.partition - b.partition,
    );
}

/**
 * Timestamps of the records at the given offsets, read by a throwaway consumer group (deleted
 * afterwards) that seeks each partition to its offset. Gives up after `timeoutMs`.
 */
async function peekTimestamps(
  kafka: Kafka,
  admin: Admin,
  targets: ReadonlyArray<{ topic: string; partition: number; from: number }>,
  timeoutMs = 10_000,
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (targets.length === 0) return found;
  const wanted = new Map(targets.map((t) => [`${t.topic}:${t.partition}`, t.from]));
  const groupId = `orion-lag-peek.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(targets.map((t) => t.topic))], fromBeginning: true });
    let seeked = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (seeked) return;
      seeked = true;
      for (const t of targets)
        consumer.seek({ topic: t.topic, partition: t.partition, offset: String(t.from) });
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const from = wanted.get(key);
        if (from === undefined || found.has(key)) return;
        const first = batch.messages.find((m) => Number(m.offset) >= from);
        if (!first) return;
        found.set(key, Number(first.timestamp));
        consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
        if (found.size === wanted.size) finish();
      },
    });
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return found;
}
