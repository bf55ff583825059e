/** Fitting a pipeline's topic catalog to a concrete cluster. */
import type { ResolvedTopic, TopicSpec } from './types.ts';

/** Milliseconds in a day, for retention settings. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Fits a topic catalog to a cluster of `brokerCount` brokers: RF = min(production RF, brokers) and
 * min ISR = RF − 1 (at least 1), so one broker gives RF 1 / min ISR 1 and three give RF 3 / min ISR 2.
 *
 * @example
 * resolveTopics(1, pipeline.topics).find((t) => t.name === 'orders')?.configs['min.insync.replicas'] // '1'
 */
export function resolveTopics(brokerCount: number, topics: readonly TopicSpec[]): ResolvedTopic[] {
  if (!Number.isInteger(brokerCount) || brokerCount < 1) {
    throw new Error(`brokerCount must be a positive integer, got ${brokerCount}`);
  }
  return topics.map((topic) => {
    const replicationFactor = Math.min(topic.replicationFactor, brokerCount);
    const minInSyncReplicas = Math.max(1, Math.min(topic.minInSyncReplicas, replicationFactor - 1));
    return {
      ...topic,
      replicationFactor,
      minInSyncReplicas,
      configs: {
        'retention.ms': String(topic.retentionMs),
        'cleanup.policy': topic.cleanupPolicy,
        'compression.type': topic.compression,
        'min.insync.replicas': String(minInSyncReplicas),
        ...(topic.maxMessageBytes !== undefined
          ? { 'max.message.bytes': String(topic.maxMessageBytes) }
          : {}),
      },
    };
  });
}
