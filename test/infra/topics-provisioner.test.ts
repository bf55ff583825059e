/**
 * The topics custom resource handler (`functions/topics-provisioner`): an update keeps its
 * physical id and never deletes a topic, a CloudFormation rollback of a partition increase
 * succeeds without shrinking anything, a genuine partition decrease fails the event with the
 * applier's message, a delete is a no-op unless asked, MSK Serverless only gets the configs it
 * accepts (at creation, and on an existing topic only the changed ones it accepts there).
 * The applier itself is `shared/kafka/topic-apply.ts` (tested against the real broker by its
 * owner); here the admin client is a recording fake so that every Kafka call can be asserted.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  onEvent,
  PHYSICAL_ID_PREFIX,
  type ProvisionerDependencies,
  SERVERLESS_TOPIC_CONFIGS,
  TopicsResourcePropertiesError,
} from '../../functions/topics-provisioner/handler.ts';
import { PartitionDecreaseError } from '../../shared/kafka/errors.ts';
import { applyTopics } from '../../shared/kafka/topic-apply.ts';
import { type ResolvedTopic, resolveTopics } from '../../shared/pipeline/index.ts';
import type { TopicSpec } from '../../shared/pipeline/types.ts';

const spec = (name: string, partitions: number): TopicSpec => ({
  name,
  partitions,
  retentionMs: 7 * 86_400_000,
  cleanupPolicy: 'delete',
  compression: 'snappy',
  replicationFactor: 3,
  minInSyncReplicas: 2,
  description: name,
});

/** A small catalog of the shape the stack sends (resolved for three brokers). */
const TOPICS = resolveTopics(3, [spec('cdr.raw.fr', 10), spec('cdr.validated', 20), spec('cdr.dlq', 5)]);

/** The catalog with `patch` applied to one topic. */
function withTopic(
  name: string,
  patch: (t: ResolvedTopic) => ResolvedTopic,
  topics = TOPICS,
): ResolvedTopic[] {
  return topics.map((t) => (t.name === name ? patch(t) : t));
}

function properties(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ServiceToken: 'arn:aws:lambda:eu-west-3:123456789012:function:provider',
    BootstrapBrokers: 'b-1.example:9098,b-2.example:9098',
    Topics: JSON.stringify(TOPICS),
    Serverless: 'false',
    DeleteOnDestroy: 'false',
    ...overrides,
  };
}

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-3:123456789012:function:provider',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:eu-west-3:123456789012:stack/Orion-dev/1',
  RequestId: 'req-1',
  LogicalResourceId: 'TopicsResource1234',
  ResourceType: 'Custom::OrionKafkaTopics',
};

function event(
  type: 'Create' | 'Update' | 'Delete',
  props = properties(),
  physicalId = `${PHYSICAL_ID_PREFIX}:TopicsResource1234`,
  oldProps = properties(),
): CloudFormationCustomResourceEvent {
  if (type === 'Create') return { ...base, RequestType: 'Create', ResourceProperties: props as never };
  if (type === 'Update') {
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: physicalId,
      ResourceProperties: props as never,
      OldResourceProperties: oldProps as never,
    };
  }
  return {
    ...base,
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: props as never,
  };
}

/** An Update from the catalog `from` (OldResourceProperties) to `to` (ResourceProperties). */
function update(
  from: readonly ResolvedTopic[],
  to: readonly ResolvedTopic[],
  extra: Record<string, string> = {},
) {
  return event(
    'Update',
    properties({ Topics: JSON.stringify(to), ...extra }),
    undefined,
    properties({ Topics: JSON.stringify(from), ...extra }),
  );
}

/** A fake kafkajs Admin over an in-memory cluster that records every call. */
function fakeCluster(existing: Record<string, number> = {}) {
  const topics = new Map<string, { partitions: number; configs: Record<string, string> }>(
    Object.entries(existing).map(([name, partitions]) => [name, { partitions, configs: {} }]),
  );
  const calls: string[] = [];
  /** configEntries of every alterConfigs resource, by topic, in call order. */
  const altered: Array<{ topic: string; configs: Record<string, string> }> = [];
  const warnings: string[] = [];
  const admin = {
    listTopics: async () => {
      calls.push('listTopics');
      return [...topics.keys()];
    },
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => {
      calls.push('fetchTopicMetadata');
      return {
        topics: names.map((name) => ({
          name,
          partitions: Array.from({ length: topics.get(name)!.partitions }, (_, i) => ({
            partitionId: i,
            leader: 1,
            replicas: [1, 2, 3],
            isr: [1, 2, 3],
          })),
        })),
      };
    },
    /** The readiness probe of `waitForTopics` (ListOffsets answered by every leader). */
    fetchTopicOffsets: async (name: string) =>
      Array.from({ length: topics.get(name)!.partitions }, (_, i) => ({
        partition: i,
        offset: '0',
        high: '0',
        low: '0',
      })),
    describeConfigs: async ({ resources }: { resources: Array<{ name: string }> }) => {
      calls.push('describeConfigs');
      return {
        resources: resources.map((r) => ({
          resourceName: r.name,
          resourceType: 2,
          errorCode: 0,
          configEntries: Object.entries(topics.get(r.name)?.configs ?? {}).map(
            ([configName, configValue]) => ({
              configName,
              configValue,
              isDefault: false,
              configSource: 1,
              isSensitive: false,
              readOnly: false,
              configSynonyms: [],
            }),
          ),
        })),
      };
    },
    createTopics: async ({
      topics: created,
    }: {
      topics: Array<{
        topic: string;
        numPartitions: number;
        configEntries: Array<{ name: string; value: string }>;
      }>;
    }) => {
      calls.push(`createTopics:${created.map((t) => t.topic).join(',')}`);
      for (const t of created) {
        topics.set(t.topic, {
          partitions: t.numPartitions,
          configs: Object.fromEntries(t.configEntries.map((e) => [e.name, e.value])),
        });
      }
      return true;
    },
    createPartitions: async ({
      topicPartitions,
    }: {
      topicPartitions: Array<{ topic: string; count: number }>;
    }) => {
      calls.push(`createPartitions:${topicPartitions.map((p) => `${p.topic}=${p.count}`).join(',')}`);
      for (const p of topicPartitions) topics.get(p.topic)!.partitions = p.count;
    },
    alterConfigs: async ({
      resources,
    }: {
      resources: Array<{ name: string; configEntries: Array<{ name: string; value: string }> }>;
    }) => {
      calls.push(`alterConfigs:${resources.map((r) => r.name).join(',')}`);
      for (const r of resources) {
        const configs = Object.fromEntries(r.configEntries.map((e) => [e.name, e.value]));
        altered.push({ topic: r.name, configs });
        topics.get(r.name)!.configs = configs;
      }
    },
    deleteTopics: async ({ topics: names }: { topics: string[] }) => {
      calls.push(`deleteTopics:${names.join(',')}`);
      for (const n of names) topics.delete(n);
    },
  };
  const deps: ProvisionerDependencies = {
    withAdmin: async (brokers, fn) => {
      calls.push(`connect:${brokers.join(',')}`);
      return fn(admin as unknown as Admin);
    },
    applyTopics: (a, desired, options) => applyTopics(a, desired, options),
    logger: { info: () => undefined, warn: (message: string) => void warnings.push(message) },
  };
  /** The calls that change the cluster. */
  const writes = () => calls.filter((c) => /^(create|alter|delete)/.test(c));
  return { topics, calls, altered, warnings, writes, deps };
}

describe('topics provisioner onEvent', () => {
  it('Create applies the whole catalog and issues a physical id derived from the logical id only', async () => {
    const cluster = fakeCluster();
    const response = await onEvent(event('Create'), cluster.deps);
    expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID_PREFIX}:TopicsResource1234`);
    expect(response.Data).toMatchObject({ Created: TOPICS.length });
    expect([...cluster.topics.keys()].sort()).toEqual(TOPICS.map((t) => t.name).sort());
    expect(cluster.calls[0]).toBe('connect:b-1.example:9098,b-2.example:9098');
  });

  it('Update keeps the physical id, adds partitions, changes configs and never deletes', async () => {
    const cluster = fakeCluster();
    await onEvent(event('Create'), cluster.deps);
    cluster.topics.set('not-in-catalog', { partitions: 1, configs: {} });
    const grown = withTopic('cdr.dlq', (t) => ({
      ...t,
      partitions: t.partitions + 3,
      configs: { ...t.configs, 'retention.ms': '1000' },
    }));
    const response = await onEvent(update(TOPICS, grown), cluster.deps);
    expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID_PREFIX}:TopicsResource1234`);
    expect(response.Data).toMatchObject({ PartitionsIncreased: 1, ConfigsChanged: 1, PartitionsKept: 0 });
    expect(cluster.topics.get('cdr.dlq')?.partitions).toBe(8);
    expect(cluster.topics.get('cdr.dlq')?.configs['retention.ms']).toBe('1000');
    // On MSK Provisioned every catalog config may be written on an existing topic.
    expect(cluster.altered.at(-1)?.configs).toMatchObject({
      'cleanup.policy': 'delete',
      'min.insync.replicas': '2',
    });
    // A catalog that shrinks is still never applied as a delete.
    await onEvent(update(grown, grown.slice(0, 2)), cluster.deps);
    expect(cluster.calls.some((c) => c.startsWith('deleteTopics'))).toBe(false);
    expect(cluster.topics.has('not-in-catalog')).toBe(true);
    expect(cluster.topics.size).toBe(TOPICS.length + 1);
  });

  it('Update returns the physical id CloudFormation sent, whatever it is (no replacement, so no delete)', async () => {
    const cluster = fakeCluster();
    const response = await onEvent(event('Update', properties(), 'some-older-physical-id'), cluster.deps);
    expect(response.PhysicalResourceId).toBe('some-older-physical-id');
  });

  it('a CloudFormation rollback of a partition increase succeeds, reverts configs and removes no partition', async () => {
    const cluster = fakeCluster();
    await onEvent(event('Create'), cluster.deps);
    // The update that raised cdr.dlq from 5 to 8 (and changed its retention) succeeded...
    const raised = withTopic('cdr.dlq', (t) => ({
      ...t,
      partitions: 8,
      configs: { ...t.configs, 'retention.ms': '1000' },
    }));
    await onEvent(update(TOPICS, raised), cluster.deps);
    expect(cluster.topics.get('cdr.dlq')?.partitions).toBe(8);
    // ...then a later resource failed: CloudFormation sends an Update back to the previous
    // catalog, with ResourceProperties and OldResourceProperties reversed.
    const before = cluster.calls.length;
    const response = await onEvent(update(raised, TOPICS), cluster.deps);

    expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID_PREFIX}:TopicsResource1234`);
    expect(cluster.topics.get('cdr.dlq')?.partitions).toBe(8);
    expect(cluster.calls.slice(before).filter((c) => c.startsWith('createPartitions'))).toEqual([]);
    expect(cluster.topics.get('cdr.dlq')?.configs['retention.ms']).toBe(String(7 * 86_400_000));
    expect(response.Data).toMatchObject({
      PartitionsKept: 1,
      PartitionsKeptDetail: 'cdr.dlq 8 (catalog 5)',
      ConfigsChanged: 1,
    });
    expect(cluster.warnings.some((w) => /more partitions than the catalog/.test(w))).toBe(true);

    // The stack is now back on 5 while the topic has 8: the next update that leaves that count
    // alone, and its own rollback, go through as well instead of wedging the stack.
    const next = withTopic('cdr.raw.fr', (t) => ({
      ...t,
      configs: { ...t.configs, 'retention.ms': '2000' },
    }));
    await expect(onEvent(update(TOPICS, next), cluster.deps)).resolves.toMatchObject({
      Data: { PartitionsKept: 1, ConfigsChanged: 1 },
    });
    await expect(onEvent(update(next, TOPICS), cluster.deps)).resolves.toMatchObject({
      Data: { PartitionsKept: 1 },
    });
    expect(cluster.topics.get('cdr.dlq')?.partitions).toBe(8);
    expect(cluster.calls.some((c) => c.startsWith('deleteTopics'))).toBe(false);
  });

  it('a genuine partition decrease still fails with the applier message and changes nothing', async () => {
    // The previous properties asked for 8 but the topic has 6: they were never applied, so this
    // is no rollback of theirs; the retention change of cdr.raw.fr in the same catalog waits.
    const cluster = fakeCluster({ 'cdr.raw.fr': 10, 'cdr.validated': 20, 'cdr.dlq': 6 });
    const previous = withTopic('cdr.dlq', (t) => ({ ...t, partitions: 8 }));
    const requested = withTopic('cdr.raw.fr', (t) => ({
      ...t,
      configs: { ...t.configs, 'retention.ms': '1' },
    }));
    const error = await onEvent(update(previous, requested), cluster.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionDecreaseError);
    expect((error as Error).message).toMatch(/cdr\.dlq has 6, the catalog asks for 5/);
    expect(cluster.writes()).toEqual([]);
  });

  it.each([
    ['a Create over a larger topic', () => event('Create')],
    ['a topic the previous properties did not have', () => update(TOPICS.slice(0, 2), TOPICS)],
    [
      'unreadable previous properties',
      () => event('Update', properties(), undefined, { Topics: 'not json' }),
    ],
  ])('%s is refused as a decrease', async (_, make) => {
    const cluster = fakeCluster({ 'cdr.dlq': 50 });
    const error = await onEvent(make(), cluster.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionDecreaseError);
    expect((error as Error).message).toMatch(/cdr\.dlq has 50, the catalog asks for 5/);
    expect(cluster.writes()).toEqual([]);
  });

  it('Delete retains the topics by default', async () => {
    const cluster = fakeCluster();
    await onEvent(event('Create'), cluster.deps);
    const response = await onEvent(event('Delete'), cluster.deps);
    expect(response.PhysicalResourceId).toBe(`${PHYSICAL_ID_PREFIX}:TopicsResource1234`);
    expect(cluster.topics.size).toBe(TOPICS.length);
    expect(cluster.calls.some((c) => c.startsWith('deleteTopics'))).toBe(false);
  });

  it('Delete removes the catalog topics only with DeleteOnDestroy, and only for an id it issued', async () => {
    const cluster = fakeCluster({ 'cdr.dlq': 5, 'kept-by-someone-else': 1 });
    await onEvent(
      event('Delete', properties({ DeleteOnDestroy: 'true' }), 'request-id-of-a-failed-create'),
      cluster.deps,
    );
    expect(cluster.topics.has('cdr.dlq')).toBe(true);
    await onEvent(event('Delete', properties({ DeleteOnDestroy: 'true' })), cluster.deps);
    expect(cluster.topics.has('cdr.dlq')).toBe(false);
    expect(cluster.topics.has('kept-by-someone-else')).toBe(true);
  });

  it('on MSK Serverless creates topics with only the configs Serverless accepts', async () => {
    const cluster = fakeCluster();
    await onEvent(event('Create', properties({ Serverless: 'true' })), cluster.deps);
    for (const { configs } of cluster.topics.values()) {
      expect(Object.keys(configs).every((k) => SERVERLESS_TOPIC_CONFIGS.has(k))).toBe(true);
      expect(configs['min.insync.replicas']).toBeUndefined();
      expect(configs['retention.ms']).toBeDefined();
      expect(configs['cleanup.policy']).toBe('delete');
    }
  });

  it('on MSK Serverless an update sends only the changed configs it accepts, never cleanup.policy', async () => {
    const serverless = { Serverless: 'true' };
    const cluster = fakeCluster();
    await onEvent(event('Create', properties(serverless)), cluster.deps);
    const changed = withTopic('cdr.dlq', (t) => ({
      ...t,
      configs: { ...t.configs, 'retention.ms': '1000', 'cleanup.policy': 'compact' },
    }));
    const response = await onEvent(update(TOPICS, changed, serverless), cluster.deps);

    // One topic changed, so one resource, carrying the new retention and the override it keeps.
    expect(cluster.altered).toEqual([
      { topic: 'cdr.dlq', configs: { 'retention.ms': '1000', 'compression.type': 'snappy' } },
    ]);
    expect(response.Data).toMatchObject({
      ConfigsChanged: 1,
      ConfigsNotApplied: 1,
      ConfigsNotAppliedDetail: 'cdr.dlq cleanup.policy',
    });
    expect(cluster.warnings).toContain('topic configs not applied');

    // A topic holding a non-default cleanup.policy is not altered at all: AlterConfigs without it
    // would reset it to delete.
    cluster.topics.get('cdr.raw.fr')!.configs['cleanup.policy'] = 'compact';
    const retention = withTopic('cdr.raw.fr', (t) => ({
      ...t,
      configs: { ...t.configs, 'retention.ms': '5' },
    }));
    const second = await onEvent(update(changed, retention, serverless), cluster.deps);
    expect(cluster.altered.map((a) => a.topic)).toEqual(['cdr.dlq', 'cdr.dlq']);
    expect(second.Data?.ConfigsNotAppliedDetail).toContain('cdr.raw.fr retention.ms');
    expect(cluster.topics.get('cdr.raw.fr')!.configs['cleanup.policy']).toBe('compact');
  });

  it('rejects malformed properties with a typed error before touching the cluster', async () => {
    const cluster = fakeCluster();
    await expect(onEvent(event('Create', properties({ Topics: '[]' })), cluster.deps)).rejects.toBeInstanceOf(
      TopicsResourcePropertiesError,
    );
    await expect(
      onEvent(event('Create', properties({ BootstrapBrokers: '' })), cluster.deps),
    ).rejects.toBeInstanceOf(TopicsResourcePropertiesError);
    expect(cluster.calls).toEqual([]);
  });
});
