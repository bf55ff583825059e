/**
 * The activity stage on the real stack: the ESM emulator runs the stage's mapping from the
 * commerce definition (`startPipeline`, stage `activity`) on the embedded Kafka and invokes the
 * real handler module (functions/commerce-activity/handler.ts) writing to the embedded Cassandra.
 *
 * - Generated user events are stored one row per event id, in their (user, UTC day) partition, and
 *   each row gives back the exact event; the same records delivered again add no row (they are
 *   rewritten in place).
 * - A record that is not a user event goes to `commerce.rejected` with its reason.
 * - With Cassandra unreachable, every write fails transiently: the mapping retries, then writes the
 *   records to `users-dlq` in AWS's on-failure format, original bytes inside.
 *
 * The pipeline's real topics are shared: the mapping gets its own consumer group, committed at
 * `user-events`' end offsets taken before each case, outputs are read from end offsets taken
 * before, and user ids carry a run prefix so the test's partitions and records are its own. The
 * keyspace is private to the run.
 */
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import type cassandra from 'cassandra-driver';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerPathOf } from '../../../localstack/esm/handler-loader.ts';
import { type PipelineHandle, startPipeline } from '../../../localstack/esm/pipeline.ts';
import { COMMERCE_PIPELINE, COMMERCE_TOPICS, commerceStageSpec } from '../../../shared/commerce/pipeline.ts';
import { COMMERCE_TOPIC } from '../../../shared/commerce/routing.ts';
import { activityStage } from '../../../shared/commerce/stages/activity-stage.ts';
import { ActivityRepository } from '../../../shared/commerce/storage/activity-repository.ts';
import {
  type ActivityRow,
  activityEventOf,
  type UserEvent,
} from '../../../shared/commerce/storage/activity-row.ts';
import { applyActivitySchema } from '../../../shared/commerce/storage/activity-schema.ts';
import { createKafkaConnections, PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { createBatchProducer } from '../../../shared/kafka/producer.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { eventSourceMappingsOf } from '../../../shared/pipeline/mappings.ts';
import { decodeDeadLetters } from '../../../shared/replay/decode.ts';
import { createKafkaHandler, type KafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import { createCassandraClient, sharedCassandraClient } from '../../../shared/storage/cassandra/client.ts';
import {
  cassandraConfigFromEnv,
  type LocalCassandraConfig,
} from '../../../shared/storage/cassandra/config.ts';
import { utcDay } from '../../../shared/util/utc-day.ts';
import { testEndpoints, testKafka, uniqueName } from '../../support/endpoints.ts';
import { VALID } from '../../unit/commerce/fixtures.ts';
import { generatedUserEvents } from '../../unit/commerce/user-events.ts';
import {
  commitGroupAt,
  endOffsets,
  type Offsets,
  type ReadRecord,
  readSince,
  waitForGroupCommit,
} from '../stages/kafka-io.ts';
import { disposeStorageFixture, storageFixture } from '../storage/cassandra-fixture.ts';

const USER_EVENTS = COMMERCE_TOPIC.userEvents;
const USERS_DLQ = COMMERCE_TOPIC.usersDlq;
const REJECTED = COMMERCE_TOPIC.rejected;
const RUN = `it${Date.now().toString(36)}`;
const { kafkaBrokers: brokers } = testEndpoints();
const kafka = testKafka('it-commerce-activity', brokers);

let admin: Admin;
let producer: Producer;
let client: cassandra.Client;
let config: LocalCassandraConfig;
let repo: ActivityRepository;
const running: PipelineHandle[] = [];
const handlers: KafkaHandler[] = [];

/** User events of a generator run, with user ids of this run (`<prefix>-<id>`): private partitions. */
function eventsOfRun(prefix: string, options: Parameters<typeof generatedUserEvents>[0]): UserEvent[] {
  return generatedUserEvents(options).map((e) => ({ ...e, user_id: `${prefix}-${e.user_id}` }));
}

const messagesOf = (events: readonly UserEvent[]) =>
  events.map((e) => ({ key: e.user_id, value: JSON.stringify(e) }));

/** A consumer group of this run, committed at `user-events`' current end: the mapping starts there. */
async function groupAtEnd(label: string): Promise<string> {
  const groupId = uniqueName(`it-commerce-activity-${label}`);
  await commitGroupAt(admin, groupId, USER_EVENTS, await endOffsets(admin, USER_EVENTS));
  return groupId;
}

/** Resolves once the group has committed `user-events` up to `ends` (every record of ours handled). */
const drained = (groupId: string, ends: Offsets) =>
  waitForGroupCommit(admin, groupId, USER_EVENTS, ends, 90_000);

/** The rows of every (user, UTC day) partition the events belong to, by event id. */
async function rowsOf(events: readonly UserEvent[]): Promise<Map<string, ActivityRow[]>> {
  const partitions = new Set(events.map((e) => `${e.user_id}|${utcDay(new Date(e.timestamp))}`));
  const rows = new Map<string, ActivityRow[]>();
  for (const partition of partitions) {
    const [user, day] = partition.split('|') as [string, string];
    for (const row of await repo.byUserDay(user, day))
      rows.set(row.event_id, [...(rows.get(row.event_id) ?? []), row]);
  }
  return rows;
}

/** The records of `topic` written since `from` whose key starts with `prefix`. */
async function oursSince(topic: string, from: Offsets, prefix: string): Promise<ReadRecord[]> {
  const records = await readSince(kafka, admin, topic, from, 60_000);
  return records.filter((r) => r.key?.toString('utf8').startsWith(prefix));
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // The handler logs one line per batch at INFO and emits metrics: keep the output readable.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  ({ client, config } = await storageFixture('it_activity'));
  // The handler reads its keyspace from the env contract; the emulator keeps a value already set.
  process.env.CASSANDRA_KEYSPACE = config.keyspace;
  await applyActivitySchema(client, { keyspace: config.keyspace });
  repo = new ActivityRepository(client, config);
  admin = kafka.admin();
  await admin.connect();
  await applyCatalog(admin, COMMERCE_TOPICS, { timeoutMs: 60_000 });
  producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
});

afterAll(async () => {
  for (const p of running) await p.stop().catch(() => undefined);
  for (const h of handlers) await h.close().catch(() => undefined);
  await producer?.disconnect();
  await admin?.disconnect();
  await sharedCassandraClient()
    .then(({ client: shared }) => shared.shutdown())
    .catch(() => undefined);
  if (client) await disposeStorageFixture(client, config.keyspace);
});

describe('activity stage behind the ESM emulator, on Kafka and Cassandra', () => {
  it('stores one row per event id in its (user, UTC day) partition; a redelivery adds none', async () => {
    // ~300 events of 12 shoppers over 8 h across a UTC midnight, two days ago.
    const today = Date.parse(`${utcDay(new Date())}T00:00:00Z`);
    const events = eventsOfRun(`${RUN}a`, {
      seed: 20_251,
      count: 320,
      startMs: today - 2 * 86_400_000 + 20 * 3_600_000,
      ratePerSecond: 320 / (8 * 3_600),
      customers: 12,
    });
    const byId = new Map(events.map((e) => [e.event_id, e]));
    expect(byId.size).toBe(events.length);
    expect(new Set(events.map((e) => utcDay(new Date(e.timestamp)))).size).toBe(2);

    const groupId = await groupAtEnd('store');
    const rejectedFrom = await endOffsets(admin, REJECTED);
    const pipeline = await startPipeline({
      pipeline: COMMERCE_PIPELINE,
      brokers,
      stages: ['activity'],
      mappingOverrides: { consumerGroupId: groupId },
      retryBackoffMs: 50,
    });
    running.push(pipeline);
    const stage = commerceStageSpec('activity');
    const module = pathToFileURL(handlerPathOf(COMMERCE_PIPELINE, stage, false));
    module.searchParams.set('environment', eventSourceMappingsOf(stage)[0]!.consumerGroupId);
    handlers.push(((await import(module.href)) as { handler: KafkaHandler }).handler);

    const notUserEvents = [
      { key: `${RUN}a-bad-1`, value: '{"event_type": "view", ' },
      { key: `${RUN}a-bad-2`, value: JSON.stringify({ ...VALID.payment_attempt, user_id: `${RUN}a-bad-2` }) },
    ];
    const started = Date.now();
    await producer.send({
      topic: USER_EVENTS,
      acks: -1,
      messages: [...messagesOf(events), ...notUserEvents],
    });
    await drained(groupId, await endOffsets(admin, USER_EVENTS));
    const firstMs = Date.now() - started;

    const stored = await rowsOf(events);
    expect([...stored.keys()].sort()).toEqual([...byId.keys()].sort());
    for (const [id, rows] of stored) {
      expect(rows, `rows of ${id}`).toHaveLength(1);
      const [row] = rows as [ActivityRow];
      const event = byId.get(id)!;
      expect(row.user_id).toBe(event.user_id);
      expect(row.day).toBe(new Date(event.timestamp).toISOString().slice(0, 10));
      expect(activityEventOf(row)).toEqual(event);
    }
    // Newest first within a partition.
    const sample = events[0]!;
    const partition = await repo.byUserDay(sample.user_id, utcDay(new Date(sample.timestamp)));
    const times = partition.map((r) => r.event_time.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const rejected = await oursSince(REJECTED, rejectedFrom, `${RUN}a-bad`);
    expect(
      rejected
        .map((r) => {
          const meta = decodeFailureHeaders(r.headers as Record<string, Buffer>)!;
          return `${r.key}:${meta.reason}:${meta.stage}:${meta.sourceTopic}`;
        })
        .sort(),
    ).toEqual([
      `${RUN}a-bad-1:NOT_JSON:activity:${USER_EVENTS}`,
      `${RUN}a-bad-2:INVALID_VALUE:activity:${USER_EVENTS}`,
    ]);
    expect(rejected.find((r) => r.key?.toString() === `${RUN}a-bad-1`)?.value?.toString()).toBe(
      notUserEvents[0]!.value,
    );

    // Redelivery: the same records again are rewritten in place, never added.
    const firstStoredAt = Math.max(...[...stored.values()].map(([r]) => r!.stored_at.getTime()));
    await producer.send({ topic: USER_EVENTS, acks: -1, messages: messagesOf(events) });
    await drained(groupId, await endOffsets(admin, USER_EVENTS));
    const again = await rowsOf(events);
    const rows = [...again.values()].flat();
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(events.length);
    expect(rows).toHaveLength(events.length);
    expect(rows.every((r) => r.stored_at.getTime() > firstStoredAt)).toBe(true);
    expect(pipeline.stageTotals().activity).toMatchObject({ recordsOnFailure: 0, recordsPending: 0 });
    await pipeline.stop(); // its group must not take the next case's records
    console.info(
      `[activity] ${events.length} user events stored (${again.size} distinct ids, ${rows.length} rows after a redelivery) in ${firstMs} ms end to end`,
    );
  });

  it('retries writes Cassandra cannot take, then leaves the records in users-dlq as AWS writes them', async () => {
    const events = eventsOfRun(`${RUN}b`, { seed: 20_252, count: 24, startMs: Date.now() - 3_600_000 });
    const dead = cassandraConfigFromEnv({
      CASSANDRA_CONTACT_POINTS: `127.0.0.1:${await closedPort()}`,
      CASSANDRA_KEYSPACE: config.keyspace,
      CASSANDRA_REQUEST_TIMEOUT_MS: '1000',
    });
    const deadClient = await createCassandraClient(dead);
    const handler = createKafkaHandler(activityStage({ writer: new ActivityRepository(deadClient, dead) }), {
      producer: createBatchProducer(createKafkaConnections(kafka), { timeoutMs: 10_000 }),
      piiKeys: COMMERCE_PIPELINE.piiKeys,
    });
    handlers.push(handler);
    const groupId = await groupAtEnd('outage');
    const dlqFrom = await endOffsets(admin, USERS_DLQ);
    const pipeline = await startPipeline({
      pipeline: COMMERCE_PIPELINE,
      brokers,
      stages: ['activity'],
      handlers: { activity: { kind: 'function', handler: (event) => handler(event) } },
      // One retry instead of the stage's three keeps the case short; the path is the same.
      mappingOverrides: { consumerGroupId: groupId, maximumRetryAttempts: 1 },
      retryBackoffMs: 50,
      retryBackoffMaxMs: 200,
    });
    running.push(pipeline);

    try {
      await producer.send({ topic: USER_EVENTS, acks: -1, messages: messagesOf(events) });
      await drained(groupId, await endOffsets(admin, USER_EVENTS));
    } finally {
      await pipeline.stop();
      await deadClient.shutdown().catch(() => undefined);
    }
    const letters = (await oursSince(USERS_DLQ, dlqFrom, `${RUN}b`)).map((record) => ({
      record,
      doc: JSON.parse(record.value!.toString('utf8')) as { requestContext: Record<string, unknown> },
      letters: decodeDeadLetters(
        { ...record, headers: record.headers as Record<string, Buffer> },
        COMMERCE_PIPELINE,
      ),
    }));
    expect(letters).toHaveLength(events.length);
    const sent = new Map(messagesOf(events).map((m) => [JSON.parse(m.value).event_id as string, m]));
    for (const {
      record,
      doc,
      letters: [letter, ...more],
    } of letters) {
      expect(more).toEqual([]);
      expect(doc.requestContext).toMatchObject({
        condition: 'RetriesExhausted',
        approximateInvokeCount: 2,
        functionArn: expect.stringContaining('orion-commerce-activity'),
      });
      expect(letter).toMatchObject({
        format: 'aws-on-failure',
        reason: 'RetriesExhausted',
        stage: 'activity',
        source: { topic: USER_EVENTS },
      });
      const original = sent.get(JSON.parse(letter!.value!.toString('utf8')).event_id);
      expect(letter?.value?.toString('utf8')).toBe(original?.value);
      expect(letter?.key?.toString('utf8')).toBe(original?.key);
      expect(record.key?.toString('utf8')).toBe(original?.key);
    }
    // Offsets repeat across partitions: a source record is its partition and offset.
    const sources = letters.map(({ letters: [l] }) => `${l!.source!.partition}@${l!.source!.offset}`);
    expect(new Set(sources).size).toBe(events.length);
    expect(pipeline.stageTotals().activity).toMatchObject({ recordsOnFailure: events.length });
    expect((await rowsOf(events)).size).toBe(0);
  });
});
