/** The topic planner: cluster state + catalog → changes; decreases refused, nothing deleted. */
import { describe, expect, it } from 'vitest';
import { PartitionDecreaseError } from '../../../shared/kafka/errors.ts';
import {
  type ConfigUpdateRules,
  configChanges,
  driftOfTopic,
  type ExistingTopic,
  planTopics,
} from '../../../shared/kafka/topic-plan.ts';
import { resolveTopics } from '../../../shared/pipeline/index.ts';
import type { TopicSpec } from '../../../shared/pipeline/types.ts';

const spec = (name: string, partitions: number, retentionMs = 86_400_000): TopicSpec => ({
  name,
  partitions,
  retentionMs,
  cleanupPolicy: 'delete',
  compression: 'snappy',
  replicationFactor: 3,
  minInSyncReplicas: 2,
  description: name,
});

/** A topic as the cluster would report it, matching `t` resolved for `brokers`. */
function existing(t: TopicSpec, brokers = 1, patch: Partial<ExistingTopic> = {}): ExistingTopic {
  const resolved = resolveTopics(brokers, [t])[0]!;
  return {
    name: t.name,
    partitions: t.partitions,
    replicationFactor: resolved.replicationFactor,
    configs: { ...resolved.configs, 'segment.bytes': '1073741824' },
    overrides: { ...resolved.configs },
    ...patch,
  };
}

const cluster = (...topics: ExistingTopic[]) => new Map(topics.map((t) => [t.name, t]));

describe('planTopics', () => {
  it('creates every topic on an empty cluster', () => {
    const desired = resolveTopics(1, [spec('a', 3), spec('b', 1)]);
    const plan = planTopics(desired, new Map());
    expect(plan.create.map((t) => t.name)).toEqual(['a', 'b']);
    expect(plan).toMatchObject({ increasePartitions: [], alterConfigs: [], unchanged: [], decreases: [] });
  });

  it('changes nothing when the cluster matches the catalog', () => {
    const plan = planTopics(resolveTopics(1, [spec('a', 3)]), cluster(existing(spec('a', 3))));
    expect(plan).toEqual({
      create: [],
      increasePartitions: [],
      alterConfigs: [],
      unchanged: ['a'],
      decreases: [],
      partitionsKept: [],
      configsNotApplied: [],
      replicationDrift: [],
    });
  });

  it('adds partitions when the catalog has more', () => {
    const plan = planTopics(resolveTopics(1, [spec('a', 6)]), cluster(existing(spec('a', 3))));
    expect(plan.increasePartitions).toEqual([{ topic: 'a', from: 3, to: 6 }]);
    expect(plan.unchanged).toEqual([]);
  });

  it('records a decrease instead of planning it', () => {
    const plan = planTopics(resolveTopics(1, [spec('a', 2)]), cluster(existing(spec('a', 5))));
    expect(plan.decreases).toEqual([{ topic: 'a', current: 5, desired: 2 }]);
    expect(plan.increasePartitions).toEqual([]);
    expect(driftOfTopic(plan, 'a')).toEqual(['partitions 5 > catalog 2 (cannot decrease)']);
  });

  it('keeps a larger topic when the caller says so, and still plans its config changes', () => {
    const plan = planTopics(
      resolveTopics(1, [spec('a', 2, 2000), spec('b', 1)]),
      cluster(existing(spec('a', 5)), existing(spec('b', 4))),
      {
        keepLargerTopic: (d) => d.topic === 'a',
      },
    );
    expect(plan.partitionsKept).toEqual([{ topic: 'a', current: 5, desired: 2 }]);
    expect(plan.decreases).toEqual([{ topic: 'b', current: 4, desired: 1 }]);
    expect(plan.alterConfigs.map((a) => a.topic)).toEqual(['a']);
    expect(plan.unchanged).toEqual([]);
    expect(driftOfTopic(plan, 'a')).toContain(
      'partitions 5 > catalog 2 (kept: Kafka cannot remove partitions)',
    );
  });

  it('changes the configs that differ and keeps the other overrides', () => {
    const current = existing(spec('a', 3), 1, {
      configs: {
        'retention.ms': '1000',
        'cleanup.policy': 'delete',
        'compression.type': 'producer',
        'min.insync.replicas': '1',
      },
      overrides: { 'retention.ms': '1000', 'segment.ms': '3600000' },
    });
    const plan = planTopics(resolveTopics(1, [spec('a', 3, 2000)]), cluster(current));
    expect(plan.alterConfigs).toEqual([
      {
        topic: 'a',
        changes: [
          { name: 'retention.ms', from: '1000', to: '2000' },
          { name: 'compression.type', from: 'producer', to: 'snappy' },
        ],
        overrides: {
          'segment.ms': '3600000',
          'retention.ms': '2000',
          'cleanup.policy': 'delete',
          'compression.type': 'snappy',
          'min.insync.replicas': '1',
        },
      },
    ]);
    expect(driftOfTopic(plan, 'a')).toEqual([
      'retention.ms 1000 → 2000',
      'compression.type producer → snappy',
    ]);
  });

  it('reports a replication factor that differs without planning a change', () => {
    const plan = planTopics(
      resolveTopics(3, [spec('a', 3)]),
      cluster(existing(spec('a', 3), 1, { overrides: {} })),
    );
    expect(plan.replicationDrift).toEqual([{ topic: 'a', current: 1, desired: 3 }]);
    // min.insync.replicas follows the broker count: 1 → 2 on three brokers.
    expect(plan.alterConfigs[0]?.changes).toEqual([{ name: 'min.insync.replicas', from: '1', to: '2' }]);
  });

  it('never plans anything for topics outside the catalog', () => {
    const plan = planTopics(
      resolveTopics(1, [spec('a', 3)]),
      cluster(existing(spec('a', 3)), existing(spec('other', 9))),
    );
    expect(plan.unchanged).toEqual(['a']);
    expect(JSON.stringify(plan)).not.toContain('other');
  });

  it('marks a missing topic as drift', () => {
    expect(driftOfTopic(planTopics(resolveTopics(1, [spec('a', 3)]), new Map()), 'a')).toEqual(['missing']);
  });
});

describe('planTopics with config update rules (MSK Serverless)', () => {
  const rules: ConfigUpdateRules = {
    alterable: new Set(['retention.ms', 'compression.type']),
    createOnlyDefaults: { 'cleanup.policy': 'delete' },
  };
  const serverlessTopic = (overrides: Record<string, string>): ExistingTopic => ({
    name: 'a',
    partitions: 3,
    replicationFactor: 3,
    configs: { 'min.insync.replicas': '2', 'segment.bytes': '134217728', ...overrides },
    overrides,
  });
  /** The catalog entry as the handler sends it on Serverless: no min.insync.replicas. */
  const desired = (retentionMs: number, cleanupPolicy: TopicSpec['cleanupPolicy'] = 'delete') => {
    const [t] = resolveTopics(3, [{ ...spec('a', 3, retentionMs), cleanupPolicy }]);
    const { 'min.insync.replicas': _, ...configs } = t!.configs;
    return [{ ...t!, configs }];
  };
  const created = { 'retention.ms': '1000', 'cleanup.policy': 'delete', 'compression.type': 'snappy' };

  it('writes the changed configs and the alterable overrides, never a create-only one', () => {
    const plan = planTopics(desired(2000), cluster(serverlessTopic(created)), { configRules: rules });
    expect(plan.alterConfigs).toEqual([
      {
        topic: 'a',
        changes: [{ name: 'retention.ms', from: '1000', to: '2000' }],
        overrides: { 'retention.ms': '2000', 'compression.type': 'snappy' },
      },
    ]);
    expect(plan.configsNotApplied).toEqual([]);
  });

  it('reports a create-only change instead of sending it', () => {
    const plan = planTopics(desired(1000, 'compact'), cluster(serverlessTopic(created)), {
      configRules: rules,
    });
    expect(plan.alterConfigs).toEqual([]);
    expect(plan.configsNotApplied).toEqual([
      {
        topic: 'a',
        changes: [{ name: 'cleanup.policy', from: 'delete', to: 'compact' }],
        reason: 'the cluster accepts these only when the topic is created',
      },
    ]);
    expect(plan.unchanged).toEqual([]);
    expect(driftOfTopic(plan, 'a')[0]).toMatch(/^cleanup\.policy delete → compact not applied/);
  });

  it('does not alter a topic whose create-only override would be reset', () => {
    const compacted = { ...created, 'cleanup.policy': 'compact' };
    const plan = planTopics(desired(2000, 'compact'), cluster(serverlessTopic(compacted)), {
      configRules: rules,
    });
    expect(plan.alterConfigs).toEqual([]);
    expect(plan.configsNotApplied).toHaveLength(1);
    expect(plan.configsNotApplied[0]?.reason).toMatch(/cleanup\.policy=compact can only be set at creation/);
  });
});

describe('configChanges', () => {
  it.each([
    [{ 'retention.ms': '86400000' }, { 'retention.ms': '86400000' }, []],
    [{}, { 'retention.ms': '1' }, [{ name: 'retention.ms', from: undefined, to: '1' }]],
    [
      { 'cleanup.policy': 'compact' },
      { 'cleanup.policy': 'delete' },
      [{ name: 'cleanup.policy', from: 'compact', to: 'delete' }],
    ],
    [{ 'retention.ms': '' }, { 'retention.ms': '0' }, [{ name: 'retention.ms', from: '', to: '0' }]],
  ])('%j → %j', (current, desired, expected) => {
    expect(configChanges(current, desired)).toEqual(expected);
  });
});

describe('PartitionDecreaseError', () => {
  it('names every topic with its counts and carries a code', () => {
    const error = new PartitionDecreaseError([
      { topic: 'cdr.raw.fr', current: 10, desired: 8 },
      { topic: 'cdr.dlq', current: 5, desired: 1 },
    ]);
    expect(error.code).toBe('PARTITION_DECREASE');
    expect(error.message).toContain('cdr.raw.fr has 10, the catalog asks for 8');
    expect(error.message).toContain('cdr.dlq has 5, the catalog asks for 1');
    expect(error.message).toContain('Nothing was changed');
  });
});
