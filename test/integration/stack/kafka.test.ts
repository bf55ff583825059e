/** Kafka for real, on the shared one-broker stack: produce with acks=all, consume it all back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueName } from '../../support/endpoints.ts';
import { roundTrip } from '../../support/kafka-roundtrip.ts';

describe('Kafka (shared stack)', () => {
  const kafka = testKafka('it-kafka');
  const admin = kafka.admin();
  const topic = uniqueName('it.kafka');

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('produces with acks=all and consumes every record, keys on stable partitions', async () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({ key: `imsi-${i % 20}`, value: `cdr-${i}` }));
    const read = await roundTrip(kafka, topic, messages);

    expect(read.map((r) => r.value).sort()).toEqual(messages.map((m) => m.value).sort());
    // Same key → same partition (per-subscriber ordering).
    const partitionOf = new Map<string, Set<number>>();
    for (const r of read) partitionOf.set(r.key, (partitionOf.get(r.key) ?? new Set()).add(r.partition));
    expect([...partitionOf.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(read.map((r) => r.partition)).size).toBeGreaterThan(1);
  });
});
