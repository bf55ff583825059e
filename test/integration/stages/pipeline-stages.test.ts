/**
 * The stage handlers chained on the real embedded stack, as the ESM would drive them: generator
 * output (valid CDRs and every kind of invalid/poison record) is produced to the raw topics,
 * read back from the broker, turned into the MSK event AWS builds, and given to the validation
 * handler; what it writes to `cdr.validated` is read back and given to normalization, and so on.
 * Each step asserts what lands on the next topic and on `cdr.rejected` (reason headers, original
 * bytes). Every line the handlers log is captured and checked for IMSIs/MSISDNs in clear.
 *
 * Reruns are independent: the generator seed (hence every record id) is unique to the run and
 * each topic is read from the offsets noted just before the step. The pipeline topics are shared:
 * a running `orion run`/ESM emulator may consume the same raw records and write the same outputs
 * (at-least-once). Outputs are therefore counted once per identity (record id, cdr_id, source
 * offset), after checking that any duplicate is byte-identical to the first copy.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type cassandra from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTRY_CODES } from '../../../shared/cdr/countries.ts';
import { type GeneratedCdr, generateCdrs } from '../../../shared/cdr/generator/cdr-generator.ts';
import { INVALID_KINDS } from '../../../shared/cdr/generator/invalid-kinds.ts';
import { rawTopicOf, TOPIC, TOPICS } from '../../../shared/cdr/pipeline.ts';
import { REJECT_REASON } from '../../../shared/cdr/reason-codes.ts';
import { readReferenceFiles } from '../../../shared/cdr/reference-data/files.ts';
import { loadReferenceData } from '../../../shared/cdr/reference-data/reference-loader.ts';
import {
  dropReferenceTables,
  ensureReferenceTables,
} from '../../../shared/cdr/reference-data/reference-table-setup.ts';
import { applyCdrSchema, CDR_TABLE } from '../../../shared/cdr/storage/cdr-schema.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import type { KafkaBatchResponse, KafkaEvent } from '../../../shared/kafka/msk-event.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import type { KafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import { createCassandraClient, sharedCassandraClient } from '../../../shared/storage/cassandra/client.ts';
import { cassandraConfigFromEnv } from '../../../shared/storage/cassandra/config.ts';
import { dropKeyspace } from '../../../shared/storage/cassandra/schema-apply.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
  sharedDynamoDb,
} from '../../../shared/storage/dynamodb/client.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { captureLogs, type LogCapture } from '../../unit/observability/capture.ts';
import { endOffsets, mskEventOf, type Offsets, type ReadRecord, readSince } from './kafka-io.ts';

const endpoints = testEndpoints();
const brokers = endpoints.kafkaBrokers;
const BOOTSTRAP = brokers.join(',');
/** Unique per run: every generated record id carries it (`FR-<tag>-<n>`). */
const SEED = (Date.now() % 2_000_000_000) + 1;
const TAG = `-${(SEED >>> 0).toString(36)}-`;
/** The broker's default `message.max.bytes` is ~1 MB: larger values are injected in the event. */
const BROKER_MAX_VALUE = 900_000;
const COUNT = 500;
/** This run's Cassandra keyspace and DynamoDB reference-table prefix. */
const KEYSPACE = `it_stages_${SEED.toString(36)}`;
const REFERENCE_PREFIX = `it-stages-${SEED.toString(36)}-`;

let kafka: Kafka;
let admin: Admin;
let logs: LogCapture;
const handlers: Record<string, KafkaHandler> = {};
let generated: GeneratedCdr[];
let cql: cassandra.Client;
let dynamo: DynamoDBDocumentClient;

/** Runs a handler on an event with every log line captured. */
async function invoke(stage: string, event: KafkaEvent): Promise<KafkaBatchResponse> {
  return handlers[stage]!(event);
}

/** Records appended to `topic` since `from` that belong to this run (`pick` decides). */
async function ours(topic: string, from: Offsets, pick: (r: ReadRecord) => boolean): Promise<ReadRecord[]> {
  return (await readSince(kafka, admin, topic, from)).filter(pick);
}

/**
 * One record per identity; duplicates (another consumer of the shared topics processing the same
 * input) must be byte-identical copies.
 */
function distinct(records: readonly ReadRecord[], identity: (r: ReadRecord) => string): ReadRecord[] {
  const first = new Map<string, ReadRecord>();
  for (const r of records) {
    const id = identity(r);
    const seen = first.get(id);
    if (!seen) first.set(id, r);
    else {
      expect(r.value?.equals(seen.value ?? Buffer.alloc(0)), `duplicate ${id} differs`).toBe(true);
      expect(r.key?.equals(seen.key ?? Buffer.alloc(0))).toBe(true);
    }
  }
  return [...first.values()];
}

const jsonField = (field: string) => (r: ReadRecord) => String(JSON.parse(r.value!.toString('utf8'))[field]);
const sourceOf = (r: ReadRecord) => {
  const m = decodeFailureHeaders(r.headers)!;
  return `${m.sourceTopic}-${m.sourcePartition}@${m.sourceOffset}`;
};

const ourJson = (field: string) => (r: ReadRecord) => {
  try {
    return String(JSON.parse(r.value!.toString('utf8'))[field]).includes(TAG);
  } catch {
    return false;
  }
};

beforeAll(async () => {
  process.env.KAFKA_BROKERS = BOOTSTRAP;
  process.env.KAFKA_CLIENT_ID = 'it-stages';
  process.env.POWERTOOLS_SERVICE_NAME = 'orion-it';
  process.env.DYNAMODB_ENDPOINT = endpoints.dynamodbEndpoint;
  process.env.REFERENCE_TABLE_PREFIX = REFERENCE_PREFIX;
  process.env.CASSANDRA_CONTACT_POINTS = endpoints.cassandraContactPoints.join(',');
  process.env.CASSANDRA_LOCAL_DC = endpoints.cassandraDatacenter;
  process.env.CASSANDRA_KEYSPACE = KEYSPACE;
  // Reference data (DynamoDB Local) and hot-storage schema (Cassandra) of this run.
  dynamo = createDynamoDbDocumentClient(dynamoDbConfigFromEnv());
  await ensureReferenceTables(dynamo, REFERENCE_PREFIX);
  await loadReferenceData(dynamo, readReferenceFiles(), { prefix: REFERENCE_PREFIX });
  cql = await createCassandraClient(cassandraConfigFromEnv());
  await cql.connect();
  await applyCdrSchema(cql, { keyspace: KEYSPACE });
  kafka = testKafka('it-stages', brokers);
  admin = kafka.admin();
  await admin.connect();
  await applyCatalog(admin, TOPICS, { timeoutMs: 60_000 });
  generated = generateCdrs(
    {
      seed: SEED,
      // 2 % of each invalid kind (poison records included) and UNKNOWN_COUNTRY; the rest valid.
      invalidShares: Object.fromEntries(INVALID_KINDS.map((k) => [k, 0.02])),
    },
    COUNT,
  );
  logs = captureLogs();
  handlers.validation = (await import('../../../functions/validation/handler.ts')).handler;
  handlers.normalization = (await import('../../../functions/normalization/handler.ts')).handler;
  handlers.enrichment = (await import('../../../functions/enrichment/handler.ts')).handler;
  handlers.storage = (await import('../../../functions/storage/handler.ts')).handler;
});

afterAll(async () => {
  logs?.stop();
  for (const h of Object.values(handlers)) await h.close();
  await admin?.disconnect();
  await sharedCassandraClient()
    .then(({ client }) => client.shutdown())
    .catch(() => undefined);
  sharedDynamoDb().doc.destroy();
  if (dynamo) {
    await dropReferenceTables(dynamo, REFERENCE_PREFIX).catch(() => undefined);
    dynamo.destroy();
  }
  if (cql) {
    await dropKeyspace(cql, KEYSPACE).catch(() => undefined);
    await cql.shutdown();
  }
});

describe('stage handlers chained on the real stack', () => {
  const state: { validated: ReadRecord[]; normalized: ReadRecord[]; enriched: ReadRecord[] } = {
    validated: [],
    normalized: [],
    enriched: [],
  };

  it('the generator covers every invalid kind, poison records included', () => {
    const kinds = new Set(generated.map((g) => g.expected));
    for (const kind of INVALID_KINDS) expect(kinds, `no ${kind} record in this run`).toContain(kind);
    expect(generated.some((g) => g.value.length > BROKER_MAX_VALUE)).toBe(true);
  });

  it('validation: valid CDRs to cdr.validated, every bad record to cdr.rejected with its reason', async () => {
    const validatedFrom = await endOffsets(admin, TOPIC.validated);
    const rejectedFrom = await endOffsets(admin, TOPIC.rejected);

    // Produce what a broker accepts to the raw topics; keep the rest for direct injection.
    const catalogRaw = new Set(COUNTRY_CODES.map(rawTopicOf));
    const produced = generated.filter((g) => catalogRaw.has(g.topic) && g.value.length <= BROKER_MAX_VALUE);
    const injected = generated.filter((g) => !produced.includes(g));
    const rawFrom = new Map<string, Offsets>();
    for (const topic of catalogRaw) rawFrom.set(topic, await endOffsets(admin, topic));
    const producer = kafka.producer();
    await producer.connect();
    await producer.sendBatch({
      topicMessages: [...catalogRaw].map((topic) => ({
        topic,
        messages: produced.filter((g) => g.topic === topic).map((g) => ({ key: g.key, value: g.value })),
      })),
    });
    await producer.disconnect();

    // Read back, and give each raw topic's records to the handler as one MSK event (one ESM per topic).
    const sources = new Map<string, { record: ReadRecord; expected: GeneratedCdr['expected'] }>();
    const byTopic = new Map<string, ReadRecord[]>();
    for (const topic of catalogRaw) {
      const records = await readSince(kafka, admin, topic, rawFrom.get(topic)!);
      const mine = produced.filter((g) => g.topic === topic);
      expect(records).toHaveLength(mine.length);
      records.forEach((record) => {
        const g = mine.find(
          (m) => m.value.equals(record.value ?? Buffer.alloc(0)) && m.key === record.key?.toString(),
        );
        expect(g, `record ${topic}-${record.partition}@${record.offset} not recognised`).toBeDefined();
        sources.set(`${topic}-${record.partition}@${record.offset}`, { record, expected: g!.expected });
      });
      byTopic.set(topic, records);
    }
    injected.forEach((g, i) => {
      const record: ReadRecord = {
        topic: g.topic,
        partition: 0,
        offset: 1_000_000_000 + i, // beyond anything on the broker: never confused with a real record
        timestamp: Date.now(),
        key: Buffer.from(g.key),
        value: g.value,
        headers: {},
      };
      sources.set(`${record.topic}-0@${record.offset}`, { record, expected: g.expected });
      byTopic.set(g.topic, [...(byTopic.get(g.topic) ?? []), record]);
    });
    for (const [, records] of byTopic) {
      expect(await invoke('validation', mskEventOf(records, BOOTSTRAP))).toEqual({ batchItemFailures: [] });
    }

    const validated = distinct(
      await ours(TOPIC.validated, validatedFrom, ourJson('recordId')),
      jsonField('recordId'),
    );
    const valid = generated.filter((g) => g.expected === 'valid');
    expect(validated).toHaveLength(valid.length);
    expect(new Set(validated.map((r) => r.key?.toString()))).toEqual(new Set(valid.map((g) => g.key))); // keys kept

    const rejected = distinct(
      (await readSince(kafka, admin, TOPIC.rejected, rejectedFrom)).filter(
        (r) => decodeFailureHeaders(r.headers) !== undefined && sources.has(sourceOf(r)),
      ),
      sourceOf,
    );
    const invalid = generated.filter((g) => g.expected !== 'valid');
    expect(rejected).toHaveLength(invalid.length);
    for (const r of rejected) {
      const meta = decodeFailureHeaders(r.headers)!;
      const source = sources.get(`${meta.sourceTopic}-${meta.sourcePartition}@${meta.sourceOffset}`)!;
      expect(meta.reason).toBe(source.expected);
      expect(meta.stage).toBe('validation');
      expect(r.key?.equals(source.record.key!)).toBe(true);
      if (meta.valueTruncated) {
        expect(meta.reason).toBe(REJECT_REASON.OVERSIZED_RECORD);
        expect(meta.valueBytes).toBe(source.record.value!.length);
        expect(source.record.value!.subarray(0, r.value!.length).equals(r.value!)).toBe(true);
      } else {
        expect((r.value ?? Buffer.alloc(0)).equals(source.record.value ?? Buffer.alloc(0))).toBe(true); // original bytes
      }
    }
    state.validated = validated;
  });

  it('normalization: every validated CDR becomes a unified CDR on cdr.normalized, key kept', async () => {
    expect(state.validated.length).toBeGreaterThan(0);
    const from = await endOffsets(admin, TOPIC.normalized);
    expect(await invoke('normalization', mskEventOf(state.validated, BOOTSTRAP))).toEqual({
      batchItemFailures: [],
    });
    const normalized = distinct(
      await ours(TOPIC.normalized, from, ourJson('source_record_id')),
      jsonField('cdr_id'),
    );
    expect(normalized).toHaveLength(state.validated.length);
    for (const r of normalized) {
      const cdr = JSON.parse(r.value!.toString('utf8'));
      expect(r.key?.toString()).toBe(cdr.imsi);
      expect(cdr.msisdn).toMatch(/^\+\d{8,15}$/);
      expect(cdr.end_time).toMatch(/Z$/);
    }
    state.normalized = normalized;
  });

  it('enrichment: every unified CDR gains network, subscriber and fraud information on cdr.enriched', async () => {
    expect(state.normalized.length).toBeGreaterThan(0);
    const from = await endOffsets(admin, TOPIC.enriched);
    expect(await invoke('enrichment', mskEventOf(state.normalized, BOOTSTRAP))).toEqual({
      batchItemFailures: [],
    });
    const enriched = distinct(
      await ours(TOPIC.enriched, from, ourJson('source_record_id')),
      jsonField('cdr_id'),
    );
    expect(enriched).toHaveLength(state.normalized.length);
    let knownCells = 0;
    for (const r of enriched) {
      const cdr = JSON.parse(r.value!.toString('utf8'));
      expect(r.key?.toString()).toBe(cdr.imsi);
      expect(cdr.fraud.score).toBeGreaterThanOrEqual(0);
      expect(typeof cdr.subscriber.known).toBe('boolean');
      if (cdr.network.known) knownCells++;
    }
    // Reference data was read from DynamoDB: most cells are known (the generator uses ~2 % unknown ones).
    expect(knownCells / enriched.length).toBeGreaterThan(0.8);
    state.enriched = enriched;
  });

  it('storage: every enriched CDR is in Cassandra once, and a redelivered batch adds no row', async () => {
    expect(state.enriched.length).toBeGreaterThan(0);
    const event = mskEventOf(state.enriched, BOOTSTRAP);
    const rejectedFrom = await endOffsets(admin, TOPIC.rejected);
    expect(await invoke('storage', event)).toEqual({ batchItemFailures: [] });
    const ids = state.enriched.map((r) => JSON.parse(r.value!.toString('utf8')).cdr_id as string);
    const count = async () =>
      (await cql.execute(`SELECT COUNT(*) AS n FROM ${KEYSPACE}.${CDR_TABLE.byId}`))
        .first()
        .get('n')
        .toNumber();
    expect(await count()).toBe(new Set(ids).size);
    const stored = await cql.execute(
      `SELECT cdr_id, imsi FROM ${KEYSPACE}.${CDR_TABLE.byId} WHERE cdr_id = ?`,
      [ids[0]],
      {
        prepare: true,
      },
    );
    expect(stored.rowLength).toBe(1);
    // Redelivery (ESM retry, replay): same rows, no duplicate, nothing rejected.
    expect(await invoke('storage', event)).toEqual({ batchItemFailures: [] });
    expect(await count()).toBe(new Set(ids).size);
    expect(await endOffsets(admin, TOPIC.rejected)).toEqual(rejectedFrom);
  });

  it('no IMSI or MSISDN in clear in any line the handlers logged', () => {
    const lines = [...logs.lines];
    expect(lines.some((l) => l.includes('"batch processed'))).toBe(true); // the capture works
    expect(lines.some((l) => l.includes('PipelineAgeMs'))).toBe(true);
    const secrets = new Set<string>();
    for (const r of state.normalized) {
      const cdr = JSON.parse(r.value!.toString('utf8'));
      secrets.add(cdr.imsi);
      for (const n of [cdr.msisdn, cdr.counterpart]) if (n) secrets.add(n.slice(1)); // E.164 digits
    }
    for (const g of generated) secrets.add(g.key);
    expect(secrets.size).toBeGreaterThan(100);
    const leaks = lines.filter((l) => [...secrets].some((s) => s.length >= 8 && l.includes(s)));
    expect(leaks).toEqual([]);
  });
});
