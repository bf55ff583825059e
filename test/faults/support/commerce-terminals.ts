/**
 * Where a valid commerce event terminates, as the fault runs' independent check reads it. The ids
 * are the commerce local run's own tracking ids (`shared/commerce/local/landing.ts`, the
 * `LocalRunLoad.expected` keys), parsed with its `parseLandingId`, and the topics are its
 * `LANDING_TOPICS`, read through its `readWindow`; what is read is the store itself, not the main
 * job's lookup:
 *
 * - `activity_by_user_day`: a full Cassandra scan (see `scanTable`), each row's id made from its
 *   user, event time and event id;
 * - `payments`: every record written since the window opened, one per `event_id`. A topic is
 *   at-least-once (a redelivered routing batch, a replay of `payments-dlq` write a second copy):
 *   copies are noted, not duplicates. A payment the fraud stage rejected is counted as rejected
 *   (on `commerce.rejected`), not also as landed;
 * - the order consumer's event store: a full scan of `order-events` (the log, one item per stored
 *   event), items stored since the window opened, counted per `event_id`: two items of one event id
 *   would be a duplicate append.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type cassandra from 'cassandra-driver';
import { activityLandingId, LANDING_TOPICS, parseLandingId } from '../../../shared/commerce/local/landing.ts';
import { readWindow, type TopicOffsets, topicEnds } from '../../../shared/commerce/local/topic-window.ts';
import {
  ORDER_EVENT_STORE,
  orderEventTableNames,
} from '../../../shared/commerce/orders/event-store-table.ts';
import { ORDER_CONSUMER_STAGE } from '../../../shared/commerce/orders/order-consumer-stage.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';
import { ACTIVITY_TABLE } from '../../../shared/commerce/storage/activity-schema.ts';
import { stageOf } from '../../../shared/pipeline/definition.ts';
import { decodeDeadLetters } from '../../../shared/replay/decode.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
} from '../../../shared/storage/dynamodb/client.ts';
import { tablePrefixFromEnv } from '../../../shared/storage/dynamodb/tables.ts';
import type { CheckedTable, TableCount, Terminal, TerminalCheck } from './fault-pipeline.ts';

const kindOf = (id: string) => parseLandingId(id).kind;

/** The activity table: user events only, id = `activity|user|event time|event id`. */
export const COMMERCE_ACTIVITY_TABLE: CheckedTable = {
  name: ACTIVITY_TABLE.byUserDay,
  idColumn: 'event_id',
  idOf: {
    columns: ['user_id', 'event_time', 'event_id'],
    id: (row: cassandra.types.Row) =>
      activityLandingId(
        String(row.get('user_id')),
        (row.get('event_time') as Date).getTime(),
        String(row.get('event_id')),
      ),
  },
  holds: (id) => kindOf(id) === 'activity',
};

/** The `event_id` of a JSON value, or `undefined`. */
export function eventIdOfValue(value: Buffer | null | undefined): string | undefined {
  if (!value || value.length === 0) return undefined;
  try {
    const id = (JSON.parse(value.toString('utf8')) as { event_id?: unknown }).event_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Counts the landing ids of records read from terminal topics: one id per (topic, event id), the
 * copies beyond the first noted (`copies`, never `rows - ids`), the ids in `rejected` left out
 * (their consumer rejected them: they are counted on the reject topic).
 * @example tallyTopicLandings([{ topic: 'payments', eventId: 'e1' }, { topic: 'payments', eventId: 'e1' }], new Set()) // ids {payments|e1: 1}, copies 1
 */
export function tallyTopicLandings(
  records: Iterable<{ readonly topic: string; readonly eventId: string | undefined }>,
  rejected: ReadonlySet<string>,
  name = LANDING_TOPICS.join('+'),
): TableCount {
  const ids = new Map<string, number>();
  let copies = 0;
  for (const r of records) {
    if (r.eventId === undefined) continue;
    const id = `${r.topic}|${r.eventId}`;
    if (rejected.has(id)) continue;
    if (ids.has(id)) copies++;
    else ids.set(id, 1);
  }
  return { table: name, rows: ids.size, ids, copies };
}

/** `payments` (the commerce `LANDING_TOPICS`), read back between the window's opening and the scan. */
export const commerceTopicTerminal: Terminal = ({ kafka, admin }): TerminalCheck => {
  const rejectTopic = COMMERCE_PIPELINE.rejectTopic;
  const topics = [...LANDING_TOPICS, rejectTopic];
  let opened: TopicOffsets | undefined;
  // One topic after the other: parallel offset requests on just-created topics of a three-broker
  // cluster have been seen never to settle (see waitForTopics).
  const ends = async (): Promise<TopicOffsets> => {
    const all = new Map<string, ReadonlyMap<number, number>>();
    for (const topic of topics) for (const [t, o] of await topicEnds(admin, [topic])) all.set(t, o);
    return all;
  };
  return {
    name: LANDING_TOPICS.join('+'),
    holds: (id) => kindOf(id) === 'topic',
    async windowOpen() {
      opened = await ends();
    },
    async scan() {
      if (!opened) throw new Error('the topic terminal was scanned before its window opened');
      const closed = await ends();
      const rejected = new Set<string>();
      await readWindow(kafka, rejectTopic, opened, closed, (record) => {
        for (const letter of decodeDeadLetters(record, COMMERCE_PIPELINE)) {
          const source = letter.source?.topic;
          const eventId = eventIdOfValue(letter.value);
          if (source && LANDING_TOPICS.includes(source) && eventId) rejected.add(`${source}|${eventId}`);
        }
      });
      const records: { topic: string; eventId: string | undefined }[] = [];
      for (const topic of LANDING_TOPICS) {
        await readWindow(kafka, topic, opened, closed, (record) => {
          records.push({ topic, eventId: eventIdOfValue(record.value) });
        });
      }
      return tallyTopicLandings(records, rejected);
    },
  };
};

/**
 * Counts the event store's items per expected landing id: an expected event-store id (a routed
 * order event, an order the API accepted) is found by its event id; an item of an event id no
 * expected id names is counted under `event-store|<event id>` (extra).
 * @example eventStoreCount([{ event_id: 'e1' }], ['orders|e1']).ids // Map { 'orders|e1' => 1 }
 */
export function eventStoreCount(
  items: Iterable<{ readonly event_id?: unknown }>,
  expectedIds: Iterable<string>,
  name = 'order-events',
): TableCount {
  const byEventId = new Map<string, string>();
  for (const id of expectedIds) {
    const landing = parseLandingId(id);
    if (landing.kind === 'event-store') byEventId.set(landing.eventId, id);
  }
  const ids = new Map<string, number>();
  let rows = 0;
  for (const item of items) {
    if (typeof item.event_id !== 'string') continue;
    rows++;
    const id = byEventId.get(item.event_id) ?? `event-store|${item.event_id}`;
    ids.set(id, (ids.get(id) ?? 0) + 1);
  }
  return { table: name, rows, ids };
}

/** The order consumer's event store (`order-events`), items stored since the window opened. */
export const commerceEventStoreTerminal: Terminal = (): TerminalCheck => {
  const env = { ...stageOf(COMMERCE_PIPELINE, ORDER_CONSUMER_STAGE).environment, ...process.env };
  const table = orderEventTableNames(tablePrefixFromEnv(ORDER_EVENT_STORE, env)).events;
  let openedAtMs = 0;
  return {
    name: table,
    holds: (id) => kindOf(id) === 'event-store',
    async windowOpen() {
      openedAtMs = Date.now();
    },
    async scan(expected) {
      const dynamo = createDynamoDbDocumentClient(dynamoDbConfigFromEnv(env));
      const items: Record<string, unknown>[] = [];
      try {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await dynamo.send(
            new ScanCommand({
              TableName: table,
              ProjectionExpression: 'event_id, stored_at',
              ConsistentRead: true,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of page.Items ?? []) {
            const at = typeof item.stored_at === 'string' ? Date.parse(item.stored_at) : Number.NaN;
            // Earlier scenarios' items (other seeds, other ids) stay in the store: not this one's.
            if (!(at < openedAtMs)) items.push(item);
          }
          start = page.LastEvaluatedKey;
        } while (start);
      } finally {
        dynamo.destroy();
      }
      return eventStoreCount(items, expected.keys(), table);
    },
  };
};
