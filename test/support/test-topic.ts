/** A throw-away topic spec for integration tests of the topic applier. */
import type { TopicSpec } from '../../shared/pipeline/types.ts';
import { uniqueName } from './endpoints.ts';

const HOUR = 3_600_000;

/**
 * A unique topic: 3 partitions, 24 h retention, delete, snappy, RF 3 / min ISR 2 (fitted to the
 * cluster by `resolveTopics`), with `overrides` on top.
 * @example testTopic('it.topics.a', { partitions: 2 })
 */
export function testTopic(prefix: string, overrides: Partial<TopicSpec> = {}): TopicSpec {
  return {
    name: uniqueName(prefix),
    partitions: 3,
    retentionMs: 24 * HOUR,
    cleanupPolicy: 'delete',
    compression: 'snappy',
    replicationFactor: 3,
    minInSyncReplicas: 2,
    description: 'test topic',
    ...overrides,
  };
}
