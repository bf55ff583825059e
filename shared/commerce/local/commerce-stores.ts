/**
 * The commerce pipeline's stores for a local run. Before the stages start: the activity table
 * (Cassandra), the fraud stage's window-state table and the order consumer's event store
 * (DynamoDB Local). Afterwards, what landed:
 *
 * - a **user event**: its row in `activity_by_user_day`, read back per (user, day) partition and
 *   matched on (event time, event id); landed when the activity stage wrote it (`stored_at`);
 * - a **payment event**: its record on `payments`, read between the end offsets noted when the
 *   run's window opened and those when it closes, matched by `event_id`; landed when the routing
 *   stage produced it (the fraud stage stores no payment);
 * - a routed **order event** (`checkout`, `order_completed`) and an **order posted to the ORDER
 *   API** (its `order_created` event): its marker in the event store's `order-event-ids`, read by
 *   event id with strongly consistent `BatchGetItem`s; landed when the order consumer stored it
 *   (the marker's `stored_at`).
 *
 * An event the consumer of `payments` or `orders` rejected or dead-lettered is counted there (the
 * main job counts the reject and dead-letter topics), never also as landed: every record is
 * accounted for once. The fraud alerts of the window are held against the load's ground truth,
 * and the orders the load posted are accounted for in a section of their own.
 */
import { createKafka, FAILOVER_RETRY } from '../../kafka/client.ts';
import type { StageRecord } from '../../kafka/types.ts';
import { createRedactor } from '../../observability/redact.ts';
import { stageOf } from '../../pipeline/definition.ts';
import type {
  LocalRunContext,
  LocalRunLoad,
  LocalRunReportSection,
  LocalRunStores,
} from '../../pipeline/local-run.ts';
import type { PipelineDefinition } from '../../pipeline/types.ts';
import { decodeDeadLetters } from '../../replay/decode.ts';
import { createCassandraClient } from '../../storage/cassandra/client.ts';
import { cassandraConfigFromEnv } from '../../storage/cassandra/config.ts';
import { batchGetItems } from '../../storage/dynamodb/batch-get.ts';
import { createDynamoDbDocumentClient, dynamoDbConfigFromEnv } from '../../storage/dynamodb/client.ts';
import { ensureTables, tablePrefixFromEnv } from '../../storage/dynamodb/tables.ts';
import { mapBounded } from '../../util/map-bounded.ts';
import { utcDay } from '../../util/utc-day.ts';
import { type FraudAlert, FraudAlertSchema } from '../fraud/alert.ts';
import { FRAUD_STATE_STORE } from '../fraud/state-table.ts';
import { ORDER_EVENT_STORE, orderEventTableNames } from '../orders/event-store-table.ts';
import { ORDER_CONSUMER_STAGE } from '../orders/order-consumer-stage.ts';
import { COMMERCE_TOPIC } from '../routing.ts';
import { ActivityRepository } from '../storage/activity-repository.ts';
import { type ActivityRow, activityEventOf } from '../storage/activity-row.ts';
import { ACTIVITY_TABLE, applyActivitySchema } from '../storage/activity-schema.ts';
import type { CommerceLoad } from './commerce-load.ts';
import { fraudQuality, fraudQualityLines, type ObservedAlert } from './fraud-quality.ts';
import { FOLLOWED_TOPICS, LANDING_TOPICS, type Landing, parseLandingId } from './landing.ts';
import { type OrderFollowUp, orderQualityLines } from './order-quality.ts';
import { readWindow, type TopicOffsets, topicEnds } from './topic-window.ts';

/** Partitions read at once from Cassandra. */
const CONCURRENT_PARTITION_READS = 16;

/** What a consumer of `payments` / `orders` did with an event instead of taking it. */
type Failure = 'rejected' | 'dlq';

/**
 * The reject and on-failure topics of the stages that consume a followed topic (the fraud stage,
 * the order consumer), each with what a record on it means.
 */
function consumerFailureTopics(pipeline: PipelineDefinition): Map<string, Failure> {
  const topics = new Map<string, Failure>();
  for (const stage of pipeline.stages) {
    if (!stage.sourceTopics.some((t) => FOLLOWED_TOPICS.includes(t))) continue;
    topics.set(stage.rejectTopic ?? pipeline.rejectTopic, 'rejected');
    if (stage.onFailureTopic) topics.set(stage.onFailureTopic, 'dlq');
  }
  return topics;
}

/** The `event_id` of a record's JSON value, or `undefined`. */
function eventIdOf(value: Buffer | null): string | undefined {
  if (value === null || value.length === 0) return undefined;
  try {
    const id = (JSON.parse(value.toString('utf8')) as { event_id?: unknown }).event_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A landed record of `payments`. */
interface TopicLanding {
  readonly topic: string;
  readonly partition: number;
  readonly atMs: number;
  readonly value: Buffer;
}

/** An event found in the event store: its marker in `order-event-ids`. */
interface StoredMarker {
  readonly orderId: string;
  readonly version: number;
  readonly atMs: number;
}

/** What {@link openCommerceStores} measured, for the report's sections. */
interface Landed {
  activity: number;
  byTopic: Record<string, number>;
  /** Routed order events stored in the event store. */
  orderEvents: number;
  /** Events of `payments` / routed order events their consumer rejected or dead-lettered (counted there), by source topic. */
  failedDownstream: Record<string, number>;
  /** Of them, events found stored too (a dead letter of a write whose answer was lost). */
  storedAndFailed: number;
  /** What became of the orders the load posted to the API (its tracked ids): the stored ones' ids, counts of the others. */
  apiOrders: { stored: string[]; rejected: number; dlq: number; missing: number };
}

const noLanded = (): Landed => ({
  activity: 0,
  byTopic: {},
  orderEvents: 0,
  failedDownstream: {},
  storedAndFailed: 0,
  apiOrders: { stored: [], rejected: 0, dlq: 0, missing: 0 },
});

/** Epoch ms of an ISO 8601 `stored_at`, or `undefined`. */
function timeOf(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Connects to the activity table, the fraud-state table and Kafka the context points at.
 * @example const stores = await openCommerceStores({ pipeline, brokers, env, log }); await stores.prepare();
 */
export async function openCommerceStores(context: LocalRunContext): Promise<LocalRunStores> {
  const { pipeline, env, log } = context;
  // The stages' own settings, under what the user set (as the emulator gives them their env).
  const activityEnv = { ...stageOf(pipeline, 'activity').environment, ...env };
  const fraudEnv = { ...stageOf(pipeline, 'fraud').environment, ...env };
  const orderEventsEnv = { ...stageOf(pipeline, ORDER_CONSUMER_STAGE).environment, ...env };
  const cassandraConfig = cassandraConfigFromEnv(activityEnv);
  const cassandra = await createCassandraClient(cassandraConfig);
  const activity = new ActivityRepository(cassandra, cassandraConfig);
  const dynamo = createDynamoDbDocumentClient(dynamoDbConfigFromEnv(fraudEnv));
  const fraudTablePrefix = tablePrefixFromEnv(FRAUD_STATE_STORE, fraudEnv);
  const orderEventsPrefix = tablePrefixFromEnv(ORDER_EVENT_STORE, orderEventsEnv);
  const orderEventTables = orderEventTableNames(orderEventsPrefix);
  // Lives as long as the run, like the main job's own client: it must outlive a broker failover.
  const kafka = createKafka({
    brokers: context.brokers,
    auth: 'none',
    clientId: 'orion-commerce-local-run',
    retry: FAILOVER_RETRY,
  });
  const admin = kafka.admin();
  await admin.connect();
  const redactor = createRedactor({ piiKeys: pipeline.piiKeys ?? [] });

  const failureTopics = consumerFailureTopics(pipeline);
  const windowTopics = [...LANDING_TOPICS, ...failureTopics.keys(), COMMERCE_TOPIC.fraudAlerts];
  let opened: TopicOffsets | undefined;
  let closed: TopicOffsets | undefined;
  const rows = new Map<string, ActivityRow>();
  const records = new Map<string, TopicLanding>();
  const markers = new Map<string, StoredMarker>();
  let landed = noLanded();

  const windowOf = async (): Promise<{ from: TopicOffsets; to: TopicOffsets }> => {
    // Without runStarting (a caller of the stores alone), the window is the topics' whole content.
    closed ??= await topicEnds(admin, windowTopics);
    return { from: opened ?? new Map(), to: closed };
  };

  return {
    async prepare() {
      log('== activity storage schema');
      await cassandra.connect();
      const schema = await applyActivitySchema(cassandra, {
        keyspace: cassandraConfig.keyspace,
        target: cassandraConfig.target,
      });
      log(`   keyspace ${schema.keyspace}: ${schema.tables.join(', ')} (${schema.ms} ms)`);
      log('== fraud window state');
      const created = await ensureTables(dynamo, FRAUD_STATE_STORE.tables, fraudTablePrefix);
      log(
        `   ${FRAUD_STATE_STORE.tables.map((t) => `${fraudTablePrefix}${t.suffix}`).join(', ')} (${created.length > 0 ? 'created' : 'exists'})`,
      );
      log('== order event store');
      const createdEvents = await ensureTables(dynamo, ORDER_EVENT_STORE.tables, orderEventsPrefix);
      log(
        `   ${Object.values(orderEventTables).join(', ')} (${createdEvents.length > 0 ? `${createdEvents.length} created` : 'exist'})`,
      );
    },

    async runStarting() {
      opened = await topicEnds(admin, windowTopics);
    },

    async landedAt(ids) {
      const { from, to } = await windowOf();
      landed = noLanded();
      const found = new Map<string, number>();
      const activityIds: (Landing & { kind: 'activity'; id: string })[] = [];
      const topicIds = new Map<string, string>(); // `${topic}|${eventId}` → id
      const storeIds: (Landing & { kind: 'event-store'; id: string })[] = [];
      for (const id of ids) {
        const landing = parseLandingId(id);
        if (landing.kind === 'activity') activityIds.push({ ...landing, id });
        else if (landing.kind === 'topic') topicIds.set(id, id);
        else storeIds.push({ ...landing, id });
      }

      // Activity rows, one read per (user, day) partition.
      const partitions = new Map<string, (typeof activityIds)[number][]>();
      for (const a of activityIds) {
        const key = `${a.userId}|${utcDay(new Date(a.timestampMs))}`;
        let list = partitions.get(key);
        if (!list) {
          list = [];
          partitions.set(key, list);
        }
        list.push(a);
      }
      await mapBounded([...partitions.values()], CONCURRENT_PARTITION_READS, async (wanted) => {
        const first = wanted[0]!;
        const stored = await activity.byUserDay(first.userId, utcDay(new Date(first.timestampMs)));
        const byKey = new Map(stored.map((row) => [`${row.event_time.getTime()}|${row.event_id}`, row]));
        for (const a of wanted) {
          const row = byKey.get(`${a.timestampMs}|${a.eventId}`);
          if (row === undefined) continue;
          rows.set(a.id, row);
          found.set(a.id, row.stored_at.getTime());
        }
      });
      landed.activity = found.size;

      // Records on payments, first copy of each event.
      for (const topic of LANDING_TOPICS) {
        await readWindow(kafka, topic, from, to, (record: StageRecord) => {
          const eventId = eventIdOf(record.value);
          if (eventId === undefined) return;
          const id = `${topic}|${eventId}`;
          if (!topicIds.has(id) || records.has(id)) return;
          records.set(id, {
            topic,
            partition: record.partition,
            atMs: record.timestamp,
            value: record.value!,
          });
        });
      }

      // Event store markers by event id, strongly consistent (100 keys per BatchGetItem).
      const stored = (
        await batchGetItems(dynamo, [
          {
            table: orderEventTables.eventIds,
            keyName: 'event_id',
            keys: storeIds.map((s) => s.eventId),
            consistentRead: true,
          },
        ])
      ).get(orderEventTables.eventIds);
      for (const s of storeIds) {
        const item = stored?.get(s.eventId);
        const atMs = timeOf(item?.stored_at);
        if (item === undefined || atMs === undefined) continue;
        markers.set(s.id, { orderId: String(item.order_id), version: Number(item.version), atMs });
      }

      // What the consumers of payments and orders rejected or dead-lettered is counted there.
      const failed = new Map<string, Failure>(); // `${source topic}|${eventId}` → what
      for (const [topic, failure] of failureTopics) {
        await readWindow(kafka, topic, from, to, (record) => {
          for (const letter of decodeDeadLetters(record, pipeline)) {
            const source = letter.source?.topic;
            if (source === undefined || !FOLLOWED_TOPICS.includes(source)) continue;
            const eventId = eventIdOf(letter.value);
            if (eventId !== undefined && !failed.has(`${source}|${eventId}`)) {
              failed.set(`${source}|${eventId}`, failure);
            }
          }
        });
      }
      const failedDownstream = (topic: string) => {
        landed.failedDownstream[topic] = (landed.failedDownstream[topic] ?? 0) + 1;
      };
      for (const [id, record] of records) {
        if (failed.has(id)) {
          failedDownstream(record.topic);
          continue;
        }
        found.set(id, record.atMs);
        landed.byTopic[record.topic] = (landed.byTopic[record.topic] ?? 0) + 1;
      }
      const api = landed.apiOrders;
      for (const s of storeIds) {
        const failure = failed.get(`${COMMERCE_TOPIC.orders}|${s.eventId}`);
        const marker = markers.get(s.id);
        if (failure !== undefined) {
          if (marker !== undefined) landed.storedAndFailed++;
          markers.delete(s.id);
          if (s.source === 'api') api[failure === 'rejected' ? 'rejected' : 'dlq']++;
          else failedDownstream(COMMERCE_TOPIC.orders);
          continue;
        }
        if (marker === undefined) {
          if (s.source === 'api') api.missing++;
          continue;
        }
        found.set(s.id, marker.atMs);
        if (s.source === 'routed') {
          landed.orderEvents++;
          continue;
        }
        api.stored.push(s.id);
      }
      return found;
    },

    async samples(ids) {
      const lines: string[] = [];
      for (const id of ids) {
        const row = rows.get(id);
        if (row !== undefined) {
          lines.push(
            `${ACTIVITY_TABLE.byUserDay} ${row.day} ${JSON.stringify(activityEventOf(row), redactor.replacer)}`,
          );
          continue;
        }
        const record = records.get(id);
        if (record !== undefined) {
          const event = JSON.parse(record.value.toString('utf8')) as unknown;
          lines.push(`${record.topic}[${record.partition}] ${JSON.stringify(event, redactor.replacer)}`);
          continue;
        }
        const marker = markers.get(id);
        if (marker !== undefined) {
          // Order ids are no customer data; the event's payload is not read back.
          lines.push(
            `${orderEventTables.eventIds} ${parseLandingId(id).eventId} → order ${marker.orderId} v${marker.version}, stored ${new Date(marker.atMs).toISOString()}`,
          );
        }
      }
      return lines;
    },

    async quality(load: LocalRunLoad): Promise<readonly LocalRunReportSection[]> {
      const sections: LocalRunReportSection[] = [];
      const expectedBy = { activity: 0, orderEvents: 0, topic: {} as Record<string, number> };
      for (const id of load.expected.keys()) {
        const landing = parseLandingId(id);
        if (landing.kind === 'activity') expectedBy.activity++;
        else if (landing.kind === 'topic')
          expectedBy.topic[landing.topic] = (expectedBy.topic[landing.topic] ?? 0) + 1;
        else if (landing.source === 'routed') expectedBy.orderEvents++;
      }
      const of = (got: number, want: number) =>
        `${got.toLocaleString('en-US')} of ${want.toLocaleString('en-US')}`;
      const failedPayments = landed.failedDownstream[COMMERCE_TOPIC.payments] ?? 0;
      const failedOrderEvents = landed.failedDownstream[COMMERCE_TOPIC.orders] ?? 0;
      sections.push({
        title: 'landed by destination (of the valid events meant for it)',
        lines: [
          `${ACTIVITY_TABLE.byUserDay.padEnd(22)} ${of(landed.activity, expectedBy.activity)} (rows)`,
          ...LANDING_TOPICS.map(
            (topic) =>
              `${topic.padEnd(22)} ${of(landed.byTopic[topic] ?? 0, expectedBy.topic[topic] ?? 0)} (records)`,
          ),
          `${ORDER_EVENT_STORE.name.padEnd(22)} ${of(landed.orderEvents, expectedBy.orderEvents)} (routed checkout/order_completed stored, by event id)`,
          ...(failedPayments > 0
            ? [`${failedPayments} payment(s) on payments then rejected or dead-lettered by the fraud stage`]
            : []),
          ...(failedOrderEvents > 0
            ? [`${failedOrderEvents} routed order event(s) rejected or dead-lettered by the order consumer`]
            : []),
          ...(landed.storedAndFailed > 0
            ? [`${landed.storedAndFailed} event(s) dead-lettered although stored (counted as dead letters)`]
            : []),
        ],
      });
      const commerce = load as Partial<CommerceLoad>;
      if (commerce.orders !== undefined && commerce.orders.plan.length > 0) {
        const api = landed.apiOrders;
        const latencyMs: number[] = [];
        for (const id of api.stored) {
          const answeredAt = load.expected.get(id);
          const marker = markers.get(id);
          if (answeredAt !== undefined && marker !== undefined) latencyMs.push(marker.atMs - answeredAt);
        }
        const followUp: OrderFollowUp = {
          stored: api.stored.length,
          consumerRejected: api.rejected,
          deadLettered: api.dlq,
          missing: api.missing,
          latencyMs,
        };
        sections.push({
          title: `orders (${commerce.orders.description}: API → outbox → orders → order consumer → event store)`,
          lines: orderQualityLines(commerce.orders.tally, followUp),
        });
      }
      if (commerce.groundTruth !== undefined && commerce.customerIdOf !== undefined) {
        const { from, to } = await windowOf();
        const alerts: ObservedAlert[] = [];
        let unreadable = 0;
        await readWindow(kafka, COMMERCE_TOPIC.fraudAlerts, from, to, (record) => {
          const parsed = parseAlert(record.value);
          if (parsed === undefined) unreadable++;
          else alerts.push({ alert: parsed, atMs: record.timestamp });
        });
        const prefix = commerce.customerIdOf('');
        const quality = fraudQuality({
          groundTruth: commerce.groundTruth,
          alerts,
          isRunCustomer: (id) => id.startsWith(prefix),
          producedAt: (eventId) => load.expected.get(`${COMMERCE_TOPIC.payments}|${eventId}`),
        });
        sections.push({
          title: 'fraud detection quality (alerts on fraud-alerts against the injected patterns)',
          lines: [
            ...fraudQualityLines(quality),
            ...(unreadable > 0 ? [`${unreadable} record(s) on fraud-alerts are not alerts`] : []),
          ],
        });
      }
      return sections;
    },

    async close() {
      await Promise.allSettled([cassandra.shutdown(), admin.disconnect()]);
      dynamo.destroy();
    },
  };
}

function parseAlert(value: Buffer | null): FraudAlert | undefined {
  if (value === null) return undefined;
  try {
    const result = FraudAlertSchema.safeParse(JSON.parse(value.toString('utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
