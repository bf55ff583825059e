/**
 * The order consumer: Kafka `orders` → the event store (`order-events`, `order-state`,
 * `order-event-ids` in DynamoDB; see `event-store-table.ts` and `event-store.ts`). It produces
 * nothing; unreadable records go to `commerce.rejected`, store failures to `orders-dlq`.
 *
 * Per batch:
 * 1. Every record is read with {@link readOrderEvent}, switching on `event_type`:
 *    - `order_created` (the ORDER API's outbox): strict schema, `schema_version` 1;
 *    - `checkout` / `order_completed` (routed by the commerce pipeline, keyed by user id): the
 *      commerce validator's checks; they are valid input and are APPENDED to the event store of
 *      their `order_id` like any order event (the history of an id holds whichever events exist
 *      for it; `order_completed` makes the order `COMPLETED`). Their pipeline age counts from
 *      validation's ingested-at header, as in the other commerce stages;
 *    - anything else → `reject(reason, message)` with a closed `REJECT_REASON` code, which the
 *      runtime writes to `commerce.rejected` with the original key, bytes and headers.
 *    The record's `traceparent` / `tracestate` / `correlation_id` headers (the outbox's) are
 *    stored with the event; an `order_created` without usable headers falls back to its metadata.
 * 2. The readable events are appended in ONE call to the store (`DynamoOrderEventStore`: one read
 *    wave, each order's events as one all-or-nothing unit, units packed into transactions sent
 *    with bounded concurrency). Appended and duplicate (already stored: a redelivery, a
 *    re-published outbox entry, a replay) events are DONE; an event the store
 *    could not take fails transiently with the store's typed error, so the mapping retries it (3
 *    times, with backoff), then writes it to `orders-dlq`; the runtime holds back the records after
 *    it on its partition, so an order's events are never stored out of order.
 * 3. `batchMetrics`: `OrderEvents` per `eventType` (3 values) and `outcome` (`appended` |
 *    `duplicate`), for settled records only.
 *
 * Observability: given the handler's logger, the stage sets the batch's `correlation_id` (and
 * `trace_id`) on it when all its events share one, else `correlation_ids` (up to
 * {@link MAX_LOGGED_IDS}), so the runtime's one line per batch can be found from a request's
 * correlation id; nothing is logged per record. Given a Powertools Tracer, the store call runs in
 * an X-Ray subsegment annotated with the event count, with the events' W3C trace ids as
 * metadata; outside Lambda the Tracer is disabled and this costs one boolean check.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { headerText } from '../../kafka/headers.ts';
import type { StageRecord } from '../../kafka/types.ts';
import type { StageMetric } from '../../observability/metrics.ts';
import { inSubsegment } from '../../observability/tracing.ts';
import { type DoneOutcome, type Outcome, reject } from '../../runtime/outcome.ts';
import type { RecordResult, SettledRecord, Stage } from '../../runtime/stage.ts';
import { COMMERCE_PIPELINE } from '../pipeline.ts';
import { COMMERCE_TOPIC } from '../routing.ts';
import { readValidatedHeaders } from '../stages/validation-headers.ts';
import {
  type AppendRequest,
  type AppendResult,
  eventStoreFailure,
  type OrderEventStore,
} from './event-store.ts';
import { ORDER_CREATED_EVENT_TYPE } from './model/schemas.ts';
import { type OrderStreamEventType, readOrderEvent } from './order-events.ts';

/** The stage's name in the commerce pipeline. */
export const ORDER_CONSUMER_STAGE = 'order-consumer';

/** The Kafka headers the consumer reads (the outbox publisher's names, `outbox.ts`). */
export const ORDER_RECORD_HEADER = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  correlationId: 'correlation_id',
} as const;

/** Metric of the events stored (or found stored), per `eventType` and `outcome`. */
export const ORDER_EVENTS_METRIC = 'OrderEvents';

/** Most ids one batch puts on the logger (`correlation_ids`). */
export const MAX_LOGGED_IDS = 20;

/** Most W3C trace ids one batch puts in its X-Ray subsegment's metadata. */
export const MAX_TRACED_IDS = 50;

/** What the logger masks whole: the commerce pipeline's customer fields, the order's included. */
export const ORDER_CONSUMER_PII_KEYS: readonly string[] = COMMERCE_PIPELINE.piiKeys;

/** Dependencies of the order consumer. */
export interface OrderConsumerStageDeps {
  /** The event store, or a function resolving it (created on the first batch). */
  readonly store: OrderEventStore | (() => OrderEventStore | Promise<OrderEventStore>);
  /** The handler's logger: gets the batch's correlation id. @default none */
  readonly logger?: Logger;
  /** Powertools Tracer: an X-Ray subsegment around the store call. @default none */
  readonly tracer?: Tracer;
  /** Clock, epoch ms (the routed events' future-skew check). @default Date.now */
  readonly now?: () => number;
}

/** What a settled record counts as. */
interface Counted {
  readonly eventType: OrderStreamEventType;
  readonly outcome: 'appended' | 'duplicate';
}

/**
 * Builds the order consumer.
 *
 * @example
 * const stage = orderConsumerStage({ store: new DynamoOrderEventStore(doc, { tables: orderEventTableNames('orion-commerce-') }) });
 * export const handler = createKafkaHandler(stage, { piiKeys: ORDER_CONSUMER_PII_KEYS });
 */
export function orderConsumerStage(deps: OrderConsumerStageDeps): Stage {
  const now = deps.now ?? Date.now;
  // Outcome → what it counts as; the runtime hands batchMetrics the very outcome objects returned.
  const counted = new WeakMap<Outcome, Counted>();
  let store: OrderEventStore | undefined;
  const resolveStore = async (): Promise<OrderEventStore> => {
    if (store) return store;
    const resolved = typeof deps.store === 'function' ? await deps.store() : deps.store;
    store = resolved;
    return resolved;
  };

  return {
    name: ORDER_CONSUMER_STAGE,
    rejectTopic: COMMERCE_TOPIC.rejected,

    async processBatch(records: readonly StageRecord[]): Promise<RecordResult[]> {
      const nowMs = now();
      const results = new Array<RecordResult>(records.length);
      const requests: AppendRequest[] = [];
      const indexes: number[] = [];
      records.forEach((record, index) => {
        const read = readOrderEvent(record.value, {
          nowMs,
          traceparent: headerText(record.headers, ORDER_RECORD_HEADER.traceparent),
          tracestate: headerText(record.headers, ORDER_RECORD_HEADER.tracestate),
          correlationId: headerText(record.headers, ORDER_RECORD_HEADER.correlationId),
        });
        if (!read.ok) {
          results[index] = reject(read.reason, read.message);
          return;
        }
        requests.push({
          ...read.event,
          source: { topic: record.topic, partition: record.partition, offset: record.offset },
        });
        indexes.push(index);
      });
      if (deps.logger) tagLogger(deps.logger, requests);
      if (requests.length === 0) return results;

      let appended: AppendResult[];
      try {
        appended = await inSubsegment(deps.tracer, '### order-events append', async (subsegment) => {
          subsegment?.addAnnotation('orderEvents', requests.length);
          subsegment?.addMetadata(
            'w3cTraceIds',
            distinct(requests.map((r) => r.trace.traceId)).slice(0, MAX_TRACED_IDS),
          );
          return (await resolveStore()).appendAll(requests);
        });
      } catch (error) {
        // Only resolving the store can throw (appendAll reports per event).
        const failure = { kind: 'failed', error: eventStoreFailure('write', error) } as const;
        for (const index of indexes) results[index] = failure;
        return results;
      }
      appended.forEach((result, j) => {
        const index = indexes[j]!;
        if (result.kind === 'failed') {
          results[index] = { kind: 'failed', error: result.error };
          return;
        }
        const event = requests[j]!;
        const outcome: DoneOutcome = { kind: 'done', eventTimeMs: eventTimeOf(event, records[index]!) };
        counted.set(outcome, { eventType: event.eventType, outcome: result.kind });
        results[index] = outcome;
      });
      return results;
    },

    batchMetrics(settled: readonly SettledRecord[]): StageMetric[] {
      const counts = new Map<string, { eventType: string; outcome: string; value: number }>();
      for (const { result } of settled) {
        const c = counted.get(result);
        if (!c) continue; // a reject: the runtime counts those per reason
        const key = `${c.eventType}/${c.outcome}`;
        const entry = counts.get(key) ?? { eventType: c.eventType, outcome: c.outcome, value: 0 };
        entry.value++;
        counts.set(key, entry);
      }
      return [...counts.values()].map(({ eventType, outcome, value }) => ({
        name: ORDER_EVENTS_METRIC,
        value,
        dimensions: { eventType, outcome },
      }));
    },
  };
}

/**
 * The record's time for the pipeline-age metric: an `order_created` counts from its acceptance by
 * the API (`occurred_at`: API → outbox → Kafka → store), a routed event from validation's
 * ingested-at header (a dataset replay keeps event times years old), else the Kafka timestamp.
 */
function eventTimeOf(event: AppendRequest, record: StageRecord): number {
  if (event.eventType === ORDER_CREATED_EVENT_TYPE) return event.occurredAtMs;
  return readValidatedHeaders(record.headers)?.ingestedAtMs ?? record.timestamp;
}

/** Distinct defined values, in first-seen order. */
function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/**
 * Puts the batch's correlation and trace ids on the logger: `correlation_id` / `trace_id` when
 * the batch has one, `correlation_ids` (at most {@link MAX_LOGGED_IDS}) when it has several;
 * the keys of the previous batch are removed.
 */
function tagLogger(logger: Logger, requests: readonly AppendRequest[]): void {
  const correlationIds = distinct(requests.map((r) => r.trace.correlationId));
  const traceIds = distinct(requests.map((r) => r.trace.traceId));
  logger.removeKeys(['correlation_id', 'correlation_ids', 'trace_id']);
  if (correlationIds.length === 1) logger.setCorrelationId(correlationIds[0]);
  else if (correlationIds.length > 1) {
    logger.appendKeys({ correlation_ids: correlationIds.slice(0, MAX_LOGGED_IDS) });
  }
  if (traceIds.length === 1) logger.appendKeys({ trace_id: traceIds[0] });
}
