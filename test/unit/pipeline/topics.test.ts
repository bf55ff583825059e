/** The topic catalog: every topic once, sized as the seeds say, replication fitted to the cluster. */
import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../../../shared/cdr/countries.ts';
import { RAW_PARTITIONS, rawTopicOf, TOPIC, TOPICS, topicSpec } from '../../../shared/cdr/pipeline.ts';
import { resolveTopics } from '../../../shared/pipeline/index.ts';

const DAY_MS = 86_400_000;

describe('topic catalog', () => {
  it('has one raw topic per country plus the five pipeline topics, each once', () => {
    const names = TOPICS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 10)).toEqual(COUNTRY_CODES.map(rawTopicOf));
    expect(names.slice(10).sort()).toEqual(Object.values(TOPIC).sort());
    expect(names).toHaveLength(15);
  });

  it.each([
    ['cdr.raw.fr', 10, 7],
    ['cdr.raw.be', 5, 7],
    ['cdr.raw.mg', 3, 7],
    ['cdr.validated', 20, 3],
    ['cdr.normalized', 20, 3],
    ['cdr.enriched', 30, 1],
    ['cdr.rejected', 5, 30],
    ['cdr.dlq', 5, 30],
  ])('%s has %i partitions and %i days of retention', (name, partitions, days) => {
    expect(topicSpec(name)).toMatchObject({ partitions, retentionMs: days * DAY_MS });
  });

  it('applies the production settings of ADR-004 to every topic', () => {
    for (const t of TOPICS) {
      expect(t).toMatchObject({
        cleanupPolicy: 'delete',
        compression: 'snappy',
        replicationFactor: 3,
        minInSyncReplicas: 2,
      });
      expect(Number.isInteger(t.partitions) && t.partitions > 0).toBe(true);
      expect(t.description.length).toBeGreaterThan(0);
    }
  });

  it('sizes every raw topic from RAW_PARTITIONS', () => {
    for (const c of COUNTRY_CODES) expect(topicSpec(rawTopicOf(c)).partitions).toBe(RAW_PARTITIONS[c]);
  });

  it('throws on a topic that is not in the catalog', () => {
    expect(() => topicSpec('cdr.final')).toThrow(/not in the cdr pipeline's catalog/);
  });
});

describe('resolveTopics', () => {
  it.each([
    [1, 1, 1],
    [2, 2, 1],
    [3, 3, 2],
    [5, 3, 2],
  ])('with %i broker(s): RF %i, min ISR %i', (brokers, rf, minIsr) => {
    for (const t of resolveTopics(brokers, TOPICS)) {
      expect(t.replicationFactor).toBe(rf);
      expect(t.minInSyncReplicas).toBe(minIsr);
      expect(t.configs['min.insync.replicas']).toBe(String(minIsr));
    }
  });

  it('gives the broker configs exactly as Kafka names them', () => {
    expect(resolveTopics(1, TOPICS).find((t) => t.name === 'cdr.dlq')?.configs).toEqual({
      'retention.ms': String(30 * DAY_MS),
      'cleanup.policy': 'delete',
      'compression.type': 'snappy',
      'min.insync.replicas': '1',
      'max.message.bytes': String(8 * 1024 * 1024),
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a broker count of %s', (n) => {
    expect(() => resolveTopics(n, TOPICS)).toThrow(/positive integer/);
  });
});
