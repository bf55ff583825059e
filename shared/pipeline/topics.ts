/**
 * The topic catalog. Values come from the two ORION seed documents:
 * - `orion-kafka-pipeline-flow.md` ("Topologie Kafka complète", 2026-02): partitions and
 *   retention per topic;
 * - `orion-adr-004-kafka-multi-country.md` (ADR-004, 2025-12): retention per stage, the DLQ,
 *   RF 3 / min ISR 2, snappy compression.
 *
 * Where they differ we follow the pipeline-flow document, the later and more detailed of the
 * two: `cdr.raw.fr` has 10 partitions (ADR-004 sketched 12 before the per-country table was
 * drawn up). ADR-004 alone gives `cdr.dlq` (30 days) and the broker-wide RF 3 / min ISR 2 /
 * snappy, which we apply to every topic. `cdr.final` from ADR-004 is not created: the
 * pipeline-flow document replaced it by storage consuming `cdr.enriched` directly.
 *
 * Raw partition counts of the seven countries the seeds do not size are set from their
 * relative traffic as the seeds describe it ("moins de volume que France", "volume moyen"):
 * large markets like Morocco 8, the others 5 as Belgium, Madagascar 3.
 */
import { COUNTRY_CODES, type CountryCode } from './countries.ts';
import type { ResolvedTopic, TopicSpec } from './types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Production replication (ADR-004: RF=3, min.insync.replicas=2). */
const PRODUCTION_REPLICATION = { replicationFactor: 3, minInSyncReplicas: 2 } as const;

/** Settings every ORION topic shares. */
const COMMON = {
  cleanupPolicy: 'delete',
  compression: 'snappy',
  ...PRODUCTION_REPLICATION,
} as const;

/** Raw partitions per country (see the module comment for where each number comes from). */
export const RAW_PARTITIONS: Readonly<Record<CountryCode, number>> = {
  fr: 10,
  be: 5,
  ma: 8,
  tn: 5,
  pl: 8,
  eg: 8,
  ci: 5,
  sn: 5,
  cm: 5,
  mg: 3,
};

/** Name of a country's raw topic. */
export function rawTopicOf(country: CountryCode): string {
  return `cdr.raw.${country}`;
}

/** Topic names used across the code, so that no topic is ever spelled twice. */
export const TOPIC = {
  validated: 'cdr.validated',
  rejected: 'cdr.rejected',
  normalized: 'cdr.normalized',
  enriched: 'cdr.enriched',
  dlq: 'cdr.dlq',
} as const;

/** Every ORION topic, in pipeline order. */
export const TOPICS: readonly TopicSpec[] = [
  ...COUNTRY_CODES.map(
    (country): TopicSpec => ({
      name: rawTopicOf(country),
      partitions: RAW_PARTITIONS[country],
      retentionMs: 7 * DAY_MS,
      ...COMMON,
      description: `Raw CDRs from ${country.toUpperCase()}, keyed by IMSI; 7 days for replay after an ingestion error`,
    }),
  ),
  {
    name: TOPIC.validated,
    partitions: 20,
    retentionMs: 3 * DAY_MS,
    ...COMMON,
    description: 'CDRs that passed validation; buffer validation → normalization',
  },
  {
    name: TOPIC.rejected,
    partitions: 5,
    retentionMs: 30 * DAY_MS,
    ...COMMON,
    description: 'Records rejected for bad data or a business rule, original bytes + reason headers',
  },
  {
    name: TOPIC.normalized,
    partitions: 20,
    retentionMs: 3 * DAY_MS,
    ...COMMON,
    description: 'Unified CDRs; buffer normalization → enrichment',
  },
  {
    name: TOPIC.enriched,
    partitions: 30,
    retentionMs: 1 * DAY_MS,
    ...COMMON,
    description: 'Enriched CDRs (network, subscriber, fraud); buffer enrichment → hot storage',
  },
  {
    name: TOPIC.dlq,
    partitions: 5,
    retentionMs: 30 * DAY_MS,
    ...COMMON,
    description: 'Records that failed for a transient reason after retries (ESM on-failure destination)',
  },
];

/** Looks a topic up by name; throws when it is not in the catalog. */
export function topicSpec(name: string): TopicSpec {
  const topic = TOPICS.find((t) => t.name === name);
  if (!topic) throw new Error(`Topic "${name}" is not in the ORION topic catalog`);
  return topic;
}

/**
 * Fits the catalog to a cluster of `brokerCount` brokers: RF = min(production RF, brokers) and
 * min ISR = RF − 1 (at least 1), so one broker gives RF 1 / min ISR 1 and three give RF 3 / min ISR 2.
 *
 * @example
 * resolveTopics(1).find((t) => t.name === 'cdr.dlq')?.configs['min.insync.replicas'] // '1'
 */
export function resolveTopics(brokerCount: number, topics: readonly TopicSpec[] = TOPICS): ResolvedTopic[] {
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
      },
    };
  });
}
