/**
 * The applier paths the topics custom resource uses on a CloudFormation rollback and on MSK
 * Serverless, against the real broker: a topic kept with more partitions than the catalog while
 * its configs go back, and an AlterConfigs restricted to the configs a cluster accepts on update.
 * Test-only topics, so the catalog's own topics are never disturbed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PartitionDecreaseError } from '../../../shared/kafka/errors.ts';
import { applyTopics } from '../../../shared/kafka/topic-apply.ts';
import { clusterBrokerCount, describeTopics } from '../../../shared/kafka/topic-describe.ts';
import type { ExistingTopic } from '../../../shared/kafka/topic-plan.ts';
import { resolveTopics } from '../../../shared/pipeline/index.ts';
import { testKafka } from '../../support/endpoints.ts';
import { testTopic } from '../../support/test-topic.ts';

const HOUR = 3_600_000;

describe('topics apply: kept partitions and update-only configs', () => {
  const admin = testKafka('it-topics-rollback').admin();
  let brokers = 1;
  const a = testTopic('it.topics.rollback');

  beforeAll(async () => {
    await admin.connect();
    brokers = await clusterBrokerCount(admin);
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [a.name] }).catch(() => undefined);
    await admin.disconnect();
  });

  /** The topic once the broker shows what `check` expects (config changes go through its metadata log). */
  const settled = (check: (t: ExistingTopic) => boolean) =>
    vi.waitFor(async () => {
      const d = (await describeTopics(admin, [a.name])).get(a.name);
      if (!d || !check(d)) throw new Error('not visible yet');
      return d;
    });

  it('keeps the partitions of a rolled-back increase while its configs go back', async () => {
    await applyTopics(admin, resolveTopics(brokers, [a]));
    await applyTopics(admin, resolveTopics(brokers, [{ ...a, partitions: 5, retentionMs: 48 * HOUR }]));
    await settled((d) => d.partitions === 5 && d.configs['retention.ms'] === String(48 * HOUR));

    // Without being asked to keep it, the old catalog is refused as a decrease.
    await expect(applyTopics(admin, resolveTopics(brokers, [a]))).rejects.toBeInstanceOf(
      PartitionDecreaseError,
    );

    const report = await applyTopics(admin, resolveTopics(brokers, [a]), { keepLargerTopic: () => true });
    expect(report.partitionsKept).toEqual([{ topic: a.name, current: 5, desired: 3 }]);
    expect(report.partitionsIncreased).toEqual([]);
    expect(report.configsChanged.map((c) => c.changes)).toEqual([
      [{ name: 'retention.ms', from: String(48 * HOUR), to: String(24 * HOUR) }],
    ]);
    const now = await settled((d) => d.configs['retention.ms'] === String(24 * HOUR));
    expect(now.partitions).toBe(5);
  });

  it('under update rules sends only the changed configs and the alterable overrides', async () => {
    const report = await applyTopics(
      admin,
      resolveTopics(brokers, [{ ...a, partitions: 5, retentionMs: 12 * HOUR, cleanupPolicy: 'compact' }]),
      {
        configRules: {
          alterable: new Set(['retention.ms', 'compression.type']),
          createOnlyDefaults: { 'cleanup.policy': 'delete' },
        },
      },
    );
    expect(report.configsChanged.map((c) => c.overrides)).toEqual([
      { 'retention.ms': String(12 * HOUR), 'compression.type': 'snappy' },
    ]);
    expect(report.configsNotApplied.map((n) => n.changes.map((c) => c.name))).toEqual([['cleanup.policy']]);
    const now = await settled((d) => d.configs['retention.ms'] === String(12 * HOUR));
    // cleanup.policy was left out of the request: the topic keeps the broker default, delete.
    expect(now.configs['cleanup.policy']).toBe('delete');
    expect(now.overrides['cleanup.policy']).toBeUndefined();
    expect(now.overrides['compression.type']).toBe('snappy');
  });
});
