/**
 * The DynamoDB tables of the ORDER API, as data (like `shared/commerce/fraud/state-table.ts`):
 * CDK creates them in AWS, {@link ensureOrderTables} on DynamoDB Local. Physical names are
 * `<ORDERS_TABLE_PREFIX><suffix>`. Every write of the API is ONE `TransactWriteItems` over the
 * three tables (`order-writer.ts`).
 *
 * ## `orders` — one item per order (pk `order_id`, S)
 * The {@link Order} as accepted: `order_id`, `status` (`ACCEPTED`), `created_at` (ISO 8601),
 * `customer_info` (map: `customer_id`, `full_name`, `email`, `phone`?, `shipping_address` map),
 * `items` (list of maps: `sku`, `name`, `quantity`, `unit_price`, `line_total`), `currency`,
 * `total_amount` (N, major units), `inventory_status` (list: `sku`, `requested_quantity`,
 * `status`), `metadata` (map: `trace_id`, `span_id`, `parent_span_id`?, `traceparent`,
 * `tracestate`?, `correlation_id`, `request_id`, `source`). No stream, no TTL: the order is the
 * record of truth and what the consumer's event store is checked against.
 *
 * ## `order-outbox` — one item per event to publish (pk `aggregate_id` S, sk `sequence` N)
 * Stream: **NEW_IMAGE**. The publisher (DynamoDB Streams → Kafka `orders`,
 * `outbox-publisher.ts`) reads `INSERT` records only (its own mark arrives as `MODIFY`, TTL
 * deletions as `REMOVE`: both skipped) and sends, per entry:
 * - topic `topic` (`orders`), key `message_key` (the order id: the seed's partitioning rule),
 * - value `payload`: the ECST event as a JSON **string**, forwarded byte for byte
 *   ({@link OrderCreatedEvent}: `event_id`, `event_type` `order_created`, `schema_version`,
 *   `occurred_at`, `order_id`, `customer_info`, `items`, `inventory_status`, `metadata`, …),
 * - headers `kafka_headers` (map of strings): `traceparent`, `tracestate`?, `correlation_id`,
 *   `event_type`, `event_id`, `content_type`.
 * Other attributes: `event_id` (deterministic per aggregate and sequence, the consumer's
 * de-duplication key), `event_type`, `aggregate_type` (`order`), `created_at`, `expires_at`
 * (epoch s, TTL: `OUTBOX_TTL_SECONDS`). The API writes sequence 1 (`order_created`); later
 * events of the same order take the next sequence. The publisher's mark, once the entry is on
 * Kafka (`OUTBOX_MARK_ATTRIBUTE`: a conditional `UpdateItem`, `if_not_exists`, so a re-mark keeps
 * the first values): `published_at` (ISO 8601), `published_topic` (`orders`, or the reject topic)
 * and, for a malformed entry only, `reject_reason` (an `OUTBOX_REJECT_REASON` code). No
 * `published_at`: not on Kafka yet, or its mark failed and it will be published again. Stream
 * records of one transaction are not guaranteed to arrive together or in order with other
 * tables' records (DynamoDB transactions guide), which is why the entry carries the whole event
 * and the publisher reads nothing else.
 *
 * ## `order-idempotency` — one item per `Idempotency-Key` (pk `idempotency_key`, S)
 * {@link IdempotencyRecord}: `idempotency_key` (SHA-256 of route, caller and client key),
 * `request_hash`, `order_id`, `status_code`, `response_body` (the exact first response),
 * `created_at`, `expires_at` (epoch s, TTL: `IDEMPOTENCY_TTL_SECONDS`). A table of its own rather
 * than key-prefixed items in `orders`: it has a TTL the orders must not have, a different
 * lifetime and access pattern, and `orders` stays one item per order for whoever scans or
 * exports it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbTableNameOf } from '../../pipeline/definition.ts';
import type { DynamoDbStoreSpec, DynamoDbTableSpec } from '../../pipeline/types.ts';
import { dropTables, ensureTables, tablePrefixFromEnv } from '../../storage/dynamodb/tables.ts';

/** The variable the orders functions read the tables' physical-name prefix from. */
export const ORDERS_TABLE_PREFIX_VARIABLE = 'ORDERS_TABLE_PREFIX';

/** Default physical-name prefix (local runs), the commerce pipeline's. */
export const DEFAULT_ORDERS_TABLE_PREFIX = 'orion-commerce-';

/** A table of the orders store. */
export type OrdersTableSpec = DynamoDbTableSpec;

/** Suffixes of the three tables. */
export const ORDERS_TABLE_SUFFIX = {
  orders: 'orders',
  outbox: 'order-outbox',
  idempotency: 'order-idempotency',
} as const;

/** The orders table: one item per order. */
export const ORDERS_TABLE = {
  suffix: ORDERS_TABLE_SUFFIX.orders,
  partitionKey: { name: 'order_id', type: 'S' },
  description: 'One item per accepted order (ECST: customer, lines, stock state, tracing metadata)',
} as const satisfies OrdersTableSpec;

/** The outbox table: one item per event to publish, streamed to the publisher. */
export const OUTBOX_TABLE = {
  suffix: ORDERS_TABLE_SUFFIX.outbox,
  partitionKey: { name: 'aggregate_id', type: 'S' },
  sortKey: { name: 'sequence', type: 'N' },
  timeToLiveAttribute: 'expires_at',
  stream: 'NEW_IMAGE',
  description: 'Transactional outbox: events of each order by sequence; its stream feeds Kafka `orders`',
} as const satisfies OrdersTableSpec;

/** The idempotency table: one item per `Idempotency-Key`, expiring. */
export const IDEMPOTENCY_TABLE = {
  suffix: ORDERS_TABLE_SUFFIX.idempotency,
  partitionKey: { name: 'idempotency_key', type: 'S' },
  timeToLiveAttribute: 'expires_at',
  description: 'Idempotency-Key records: request fingerprint and the first response, for 24 h',
} as const satisfies OrdersTableSpec;

/** The three tables, in the order the transaction writes them. */
export const ORDERS_TABLES: readonly OrdersTableSpec[] = [ORDERS_TABLE, OUTBOX_TABLE, IDEMPOTENCY_TABLE];

/** The ORDER API's store: CDK creates it encrypted, with point-in-time recovery, TTL and the outbox stream. */
export const ORDERS_STORE: DynamoDbStoreSpec = {
  kind: 'dynamodb',
  name: 'orders',
  description: 'Orders, their transactional outbox (streamed to Kafka `orders`) and Idempotency-Key records',
  tablePrefixVariable: ORDERS_TABLE_PREFIX_VARIABLE,
  defaultTablePrefix: DEFAULT_ORDERS_TABLE_PREFIX,
  tables: ORDERS_TABLES,
};

/** Physical names of the three tables. */
export interface OrderTableNames {
  readonly orders: string;
  readonly outbox: string;
  readonly idempotency: string;
}

/**
 * The physical table names for a prefix.
 * @example orderTableNames('orion-dev-').outbox // 'orion-dev-order-outbox'
 */
export function orderTableNames(prefix: string): OrderTableNames {
  return {
    orders: dynamoDbTableNameOf(ORDERS_TABLE, prefix),
    outbox: dynamoDbTableNameOf(OUTBOX_TABLE, prefix),
    idempotency: dynamoDbTableNameOf(IDEMPOTENCY_TABLE, prefix),
  };
}

/**
 * The physical table names from `ORDERS_TABLE_PREFIX` (default `orion-commerce-`); throws a
 * `DynamoDbConfigError` when the prefix cannot start a table name.
 * @example orderTableNamesFromEnv({ ORDERS_TABLE_PREFIX: 'orion-dev-' }).orders // 'orion-dev-orders'
 */
export function orderTableNamesFromEnv(env: NodeJS.ProcessEnv = process.env): OrderTableNames {
  return orderTableNames(tablePrefixFromEnv(ORDERS_STORE, env));
}

/**
 * Creates the tables that are missing (on-demand, TTL, the outbox stream) (local runs and tests;
 * in AWS the CDK stack owns them). Returns the names it created.
 * @example await ensureOrderTables(doc, 'orion-test-1a2b-')
 */
export async function ensureOrderTables(doc: DynamoDBDocumentClient, prefix: string): Promise<string[]> {
  return ensureTables(doc, ORDERS_TABLES, prefix);
}

/**
 * Deletes the tables of a prefix (test clean-up); missing ones are ignored.
 * @example await dropOrderTables(doc, 'orion-test-1a2b-')
 */
export async function dropOrderTables(doc: DynamoDBDocumentClient, prefix: string): Promise<void> {
  await dropTables(doc, ORDERS_TABLES, prefix);
}
