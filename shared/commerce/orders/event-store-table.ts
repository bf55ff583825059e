/**
 * The order consumer's EVENT STORE as data (like `shared/commerce/fraud/state-table.ts`): the
 * commerce pipeline's store `order-events`, which CDK creates (encrypted, point-in-time recovery)
 * and the local tools create on DynamoDB Local. Physical names are `<ORDER_EVENTS_TABLE_PREFIX><suffix>`.
 * Every append is ONE `TransactWriteItems` over the three tables (`event-store.ts`).
 *
 * ## `order-events` — the log: one item per stored event (pk `order_id` S, sk `version` N)
 * Versions of an order are 1, 2, 3… without gaps, in the order the consumer appended them (a
 * `Query` on `order_id` reads an order's history in order). Attributes: `event_id`, `event_type`
 * (`order_created`, `checkout`, `order_completed`), `occurred_at` (ISO 8601), `payload` (the Kafka
 * value as JSON **text**, byte for byte: the ECST event can be re-published unchanged and a new
 * field never needs a store change), `trace_id` / `parent_span_id` / `traceparent` / `tracestate`?
 * (W3C Trace Context of the record's `traceparent` header), `correlation_id`?, `source_topic`,
 * `source_partition`, `source_offset` (the Kafka record it was first stored from), `stored_at`.
 *
 * ## `order-state` — the current state: one item per order (pk `order_id` S)
 * `version` (= the last event's), `status` (`ACCEPTED`, `CHECKED_OUT`, `COMPLETED`),
 * `last_event_id`, `last_event_type`, `last_occurred_at`, `trace_id`? and `correlation_id`? of the
 * last event, `currency`? / `total_amount`? / `item_count`? (from the latest event carrying them),
 * `created_at`, `updated_at`. Every append writes it conditionally on the version it read:
 * DynamoDB's optimistic locking with a version number.
 *
 * ## `order-event-ids` — de-duplication markers: one item per stored event id (pk `event_id` S)
 * `order_id`, `version`, `stored_at`. Written in the same transaction as the event, on
 * `attribute_not_exists`: an event id is stored at most once, whatever redelivers it (the mapping's
 * retries, an outbox re-publish, a replay of `orders-dlq`, an offset reset). No TTL: a marker must
 * outlive every copy of its record (topic retention 7 days, dead letters 30 days, replays later),
 * and it doubles as the index event id → (order, version).
 *
 * Why three tables and not one: the state is what other readers want (one `GetItem` per order,
 * scans of current orders) without reading events, and a marker is keyed by the event id, which
 * the log's `(order_id, version)` key cannot express.
 */
import { dynamoDbTableNameOf } from '../../pipeline/definition.ts';
import type { DynamoDbStoreSpec, DynamoDbTableSpec } from '../../pipeline/types.ts';

/** The variable the order consumer reads the tables' physical-name prefix from. */
export const ORDER_EVENTS_TABLE_PREFIX_VARIABLE = 'ORDER_EVENTS_TABLE_PREFIX';

/** Default physical-name prefix (local runs), the commerce pipeline's. */
export const DEFAULT_ORDER_EVENTS_TABLE_PREFIX = 'orion-commerce-';

/** Suffixes of the three tables. */
export const ORDER_EVENTS_TABLE_SUFFIX = {
  events: 'order-events',
  state: 'order-state',
  eventIds: 'order-event-ids',
} as const;

/** The log: one item per stored event, by order and version. */
export const ORDER_EVENTS_TABLE = {
  suffix: ORDER_EVENTS_TABLE_SUFFIX.events,
  partitionKey: { name: 'order_id', type: 'S' },
  sortKey: { name: 'version', type: 'N' },
  description: 'Event store: every event of each order by version (payload = the Kafka value, trace ids)',
} as const satisfies DynamoDbTableSpec;

/** The current state of each order. */
export const ORDER_STATE_TABLE = {
  suffix: ORDER_EVENTS_TABLE_SUFFIX.state,
  partitionKey: { name: 'order_id', type: 'S' },
  description: 'Current state of each order: status, version, last event, trace id',
} as const satisfies DynamoDbTableSpec;

/** One marker per stored event id (idempotency of the consumer). */
export const ORDER_EVENT_IDS_TABLE = {
  suffix: ORDER_EVENTS_TABLE_SUFFIX.eventIds,
  partitionKey: { name: 'event_id', type: 'S' },
  description: 'De-duplication markers: each stored event id with its order and version',
} as const satisfies DynamoDbTableSpec;

/** The order consumer's store: the log, the current states and the de-duplication markers. */
export const ORDER_EVENT_STORE = {
  kind: 'dynamodb',
  name: 'order-events',
  description:
    'Event store of the order consumer: events by order and version, current order states, event-id markers',
  tablePrefixVariable: ORDER_EVENTS_TABLE_PREFIX_VARIABLE,
  defaultTablePrefix: DEFAULT_ORDER_EVENTS_TABLE_PREFIX,
  tables: [ORDER_EVENTS_TABLE, ORDER_STATE_TABLE, ORDER_EVENT_IDS_TABLE],
} as const satisfies DynamoDbStoreSpec;

/** Physical names of the three tables. */
export interface OrderEventTableNames {
  readonly events: string;
  readonly state: string;
  readonly eventIds: string;
}

/**
 * The physical table names for a prefix.
 * @example orderEventTableNames('orion-dev-').state // 'orion-dev-order-state'
 */
export function orderEventTableNames(prefix: string): OrderEventTableNames {
  return {
    events: dynamoDbTableNameOf(ORDER_EVENTS_TABLE, prefix),
    state: dynamoDbTableNameOf(ORDER_STATE_TABLE, prefix),
    eventIds: dynamoDbTableNameOf(ORDER_EVENT_IDS_TABLE, prefix),
  };
}
