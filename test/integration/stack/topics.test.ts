/**
 * Topics as code against the real broker. The catalog's own topics are applied (idempotent, shared
 * with other tests); the change scenarios use test-only topics so they never disturb them.
 */
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS } from '../../../shared/cdr/pipeline.ts';
import { PartitionDecreaseError } from '../../../shared/kafka/errors.ts';
import { applyTopics } from '../../../shared/kafka/topic-apply.ts';
import { clusterBrokerCount, describeTopics } from '../../../shared/kafka/topic-describe.ts';
import { inspectTopics } from '../../../shared/kafka/topic-inspect.ts';
import { resolveTopics } from '../../../shared/pipeline/index.ts';
import type { TopicSpec } from '../../../shared/pipeline/types.ts';
import { testKafka, uniqueName } from '../../support/endpoints.ts';
import { testTopic } from '../../support/test-topic.ts';

const { ConfigResourceTypes } = kafkajs;
const HOUR = 3_600_000;

describe('topics apply / list', () => {
  const admin = testKafka('it-topics').admin();
  let brokers = 1;
  const a = testTopic('it.topics.a', { description: 'test topic a' });
  const b: TopicSpec = { ...a, name: uniqueName('it.topics.b'), partitions: 2, description: 'test topic b' };

  beforeAll(async () => {
    await admin.connect();
    brokers = await clusterBrokerCount(admin);
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [a.name, b.name] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('applies the ORION catalog; list then shows every catalog topic without drift', async () => {
    const catalog = resolveTopics(brokers, TOPICS);
    await applyTopics(admin, catalog);
    const listing = await vi.waitFor(async () => {
      const l = await inspectTopics(admin, catalog);
      if (l.some((t) => t.drift.includes('missing'))) throw new Error('metadata not propagated yet');
      return l;
    });
    const fromCatalog = listing.filter((t) => t.inCatalog);
    expect(fromCatalog.map((t) => t.name)).toEqual(TOPICS.map((t) => t.name));
    expect(fromCatalog.filter((t) => t.drift.length > 0)).toEqual([]);
    expect(listing.find((t) => t.name === 'cdr.raw.fr')).toMatchObject({
      partitions: 10,
      replicationFactor: Math.min(3, brokers),
      configs: {
        'compression.type': 'snappy',
        'retention.ms': String(7 * 24 * HOUR),
        'cleanup.policy': 'delete',
      },
    });

    const again = await applyTopics(admin, catalog);
    expect(again.created).toEqual([]);
    expect(again.partitionsIncreased).toEqual([]);
    expect(again.configsChanged).toEqual([]);
    expect(again.unchanged).toHaveLength(TOPICS.length);
  });

  it('creates, then changes nothing, then applies a retention change and a partition increase', async () => {
    const first = await applyTopics(admin, resolveTopics(brokers, [a, b]));
    expect(first.created).toEqual([a.name, b.name]);

    const second = await applyTopics(admin, resolveTopics(brokers, [a, b]));
    expect(second).toMatchObject({ created: [], partitionsIncreased: [], configsChanged: [] });
    expect(second.unchanged).toEqual([a.name, b.name]);

    // A setting made by hand outside the catalog must survive a config change.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: a.name,
          configEntries: [
            ...Object.entries(resolveTopics(brokers, [a])[0]!.configs).map(([name, value]) => ({
              name,
              value,
            })),
            { name: 'segment.ms', value: String(2 * HOUR) },
          ],
        },
      ],
    });

    // The broker applies a config change through its metadata log: wait until it shows.
    await vi.waitFor(async () => {
      const d = (await describeTopics(admin, [a.name])).get(a.name);
      if (d?.overrides['segment.ms'] !== String(2 * HOUR)) throw new Error('segment.ms not visible yet');
    });

    const changed = await applyTopics(
      admin,
      resolveTopics(brokers, [{ ...a, retentionMs: 48 * HOUR, partitions: 5 }, b]),
    );
    expect(changed.created).toEqual([]);
    expect(changed.partitionsIncreased).toEqual([{ topic: a.name, from: 3, to: 5 }]);
    expect(changed.configsChanged.map((c) => ({ topic: c.topic, changes: c.changes }))).toEqual([
      { topic: a.name, changes: [{ name: 'retention.ms', from: String(24 * HOUR), to: String(48 * HOUR) }] },
    ]);
    expect(changed.unchanged).toEqual([b.name]);

    const now = await vi.waitFor(async () => {
      const d = (await describeTopics(admin, [a.name])).get(a.name);
      if (d?.partitions !== 5 || d.configs['retention.ms'] !== String(48 * HOUR)) throw new Error('not yet');
      return d;
    });
    expect(now.configs['segment.ms']).toBe(String(2 * HOUR));
  });

  it('refuses a partition decrease with a typed error naming topic and counts, changing nothing', async () => {
    const desired = resolveTopics(brokers, [
      { ...a, partitions: 2, retentionMs: 48 * HOUR },
      { ...b, retentionMs: 12 * HOUR },
    ]);
    const error = await applyTopics(admin, desired).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionDecreaseError);
    expect((error as PartitionDecreaseError).code).toBe('PARTITION_DECREASE');
    expect((error as PartitionDecreaseError).decreases).toEqual([{ topic: a.name, current: 5, desired: 2 }]);
    expect((error as Error).message).toContain(`${a.name} has 5, the catalog asks for 2`);

    // b's retention change in the same apply was not made either.
    const current = await describeTopics(admin, [a.name, b.name]);
    expect(current.get(a.name)?.partitions).toBe(5);
    expect(current.get(b.name)?.configs['retention.ms']).toBe(String(24 * HOUR));

    const listing = await inspectTopics(admin, desired);
    expect(listing.find((t) => t.name === a.name)?.drift).toContain(
      'partitions 5 > catalog 2 (cannot decrease)',
    );
  });
});
