/** Reads the topics a cluster has (partitions, replication factor, configs) with a few batched admin calls. */
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type Admin } from 'kafkajs';
import { isTransientKafkaRead } from './errors.ts';
import type { ExistingTopic } from './topic-plan.ts';

// kafkajs is CommonJS and these enums are not visible as named ESM exports.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

/** Number of brokers in the cluster metadata: it sizes replication (`resolveTopics(brokerCount)`). */
export async function clusterBrokerCount(admin: Admin): Promise<number> {
  const { brokers } = await admin.describeCluster();
  return brokers.length;
}

/**
 * Describes `names` (default: every non-internal topic) as the planner needs them.
 *
 * @example
 * const existing = await describeTopics(admin, ['orders.dlq']);
 * existing.get('orders.dlq')?.partitions // 5
 */
export async function describeTopics(
  admin: Admin,
  names?: readonly string[],
): Promise<Map<string, ExistingTopic>> {
  const all = await admin.listTopics();
  const wanted = (names ?? all.filter((t) => !t.startsWith('__'))).filter((t) => all.includes(t));
  const result = new Map<string, ExistingTopic>();
  if (wanted.length === 0) return result;

  const [{ topics }, configs] = await Promise.all([
    admin.fetchTopicMetadata({ topics: [...wanted] }),
    admin.describeConfigs({
      includeSynonyms: false,
      resources: wanted.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    }),
  ]);
  const configsByTopic = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries]));
  for (const topic of topics) {
    const entries = configsByTopic.get(topic.name) ?? [];
    const effective: Record<string, string> = {};
    const overrides: Record<string, string> = {};
    for (const e of entries) {
      if (e.configValue === null || e.isSensitive) continue;
      effective[e.configName] = e.configValue;
      if (e.configSource === ConfigSource.TOPIC_CONFIG) overrides[e.configName] = e.configValue;
    }
    result.set(topic.name, {
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
      configs: effective,
      overrides,
    });
  }
  return result;
}

/** End offset (the next offset to be written) per partition, per topic. */
export type TopicEndOffsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** Attempts of one topic's ListOffsets that threw a transient read error, 200 ms apart. */
const END_OFFSETS_ATTEMPTS = 25;

/**
 * The end offsets of `topics` now: a run snapshots them before and after to read or count only
 * the records written in between. A read kafkajs fails transiently (see
 * {@link isTransientKafkaRead}: a topic created a moment ago, a leader that just moved) is asked
 * again, up to about 5 s.
 * @example const before = await topicEndOffsets(admin, ['payments', 'orders']);
 */
export async function topicEndOffsets(admin: Admin, topics: readonly string[]): Promise<TopicEndOffsets> {
  const entries = await Promise.all(
    topics.map(async (topic) => {
      for (let attempt = 1; ; attempt++) {
        try {
          const offsets = await admin.fetchTopicOffsets(topic);
          return [topic, new Map(offsets.map((o) => [o.partition, Number(o.high)]))] as const;
        } catch (error) {
          if (attempt >= END_OFFSETS_ATTEMPTS || !isTransientKafkaRead(error)) throw error;
          await sleep(200);
        }
      }
    }),
  );
  return new Map(entries);
}
