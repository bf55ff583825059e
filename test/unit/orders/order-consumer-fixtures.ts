/**
 * Records of Kafka `orders` for the order consumer's tests: `order_created` events built with the
 * ORDER API's own model (`buildOrder` → `orderCreatedEvent` → `outboxEntryOf`), so key, value and
 * headers are exactly what the outbox publisher sends; and the routed `checkout` /
 * `order_completed` events of the commerce pipeline (keyed by user id, with validation's headers).
 */
import { deterministicUuid } from '../../../shared/commerce/hash.ts';
import { uuidV7 } from '../../../shared/commerce/orders/ids.ts';
import { buildOrder, orderCreatedEvent } from '../../../shared/commerce/orders/model/order.ts';
import type { OrderCreatedEvent } from '../../../shared/commerce/orders/model/schemas.ts';
import { type OutboxEntry, outboxEntryOf } from '../../../shared/commerce/orders/outbox.ts';
import { validOrder } from '../../../shared/commerce/orders/sample-orders.ts';
import { traceContextOf } from '../../../shared/commerce/orders/trace.ts';
import { validateOrderObject } from '../../../shared/commerce/orders/validation.ts';
import type { EventOf } from '../../../shared/commerce/schemas.ts';
import { VALIDATED_HEADER } from '../../../shared/commerce/stages/validation-headers.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';

/** A record as a producer writes it: text key, value and headers. */
export interface OrderTopicMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** An `order_created` record with the event and outbox entry it came from. */
export interface OrderCreatedMessage extends OrderTopicMessage {
  readonly event: OrderCreatedEvent;
  readonly entry: OutboxEntry;
  /** The trace id of the record's `traceparent` header. */
  readonly traceId: string;
  readonly correlationId: string;
}

/** Options of {@link orderCreatedMessage}. */
export interface OrderCreatedOptions {
  /** Acceptance time, epoch ms. @default 2026-06-01T12:00:00Z + n ms */
  readonly nowMs?: number;
  /** The caller's `traceparent` (continued by the API). @default a new trace */
  readonly traceparent?: string;
  /** @default `corr-<n>` */
  readonly correlationId?: string;
  /** Order id. @default a UUID v7 of `nowMs` */
  readonly orderId?: string;
  /** Customer id of the order. @default `c-100042` */
  readonly customerId?: string;
}

/** 2026-06-01T12:00:00Z. */
export const T0 = Date.UTC(2026, 5, 1, 12);

/**
 * The `order_created` record of order number `n`, as the publisher produces it from the outbox.
 * @example const { key, value, headers } = orderCreatedMessage(1);
 */
export function orderCreatedMessage(n: number, options: OrderCreatedOptions = {}): OrderCreatedMessage {
  const request = validateOrderObject({
    ...validOrder(),
    customer_info: { ...validOrder().customer_info, customer_id: options.customerId ?? 'c-100042' },
  });
  if (!request.ok) throw new Error(`fixture order is invalid: ${JSON.stringify(request.problems)}`);
  const nowMs = options.nowMs ?? T0 + n;
  const trace = traceContextOf(options.traceparent);
  const correlationId = options.correlationId ?? `corr-${n}`;
  const order = buildOrder(request.request, {
    orderId: options.orderId ?? uuidV7(nowMs),
    nowMs,
    trace,
    correlationId,
    requestId: `req-${n}`,
  });
  const event = orderCreatedEvent(order);
  const entry = outboxEntryOf(event, nowMs);
  return {
    key: entry.message_key,
    value: entry.payload,
    headers: { ...entry.kafka_headers },
    event,
    entry,
    traceId: trace.traceId,
    correlationId,
  };
}

/** A routed event of the commerce pipeline. */
export type RoutedOrderEvent = EventOf<'checkout'> | EventOf<'order_completed'>;

/**
 * The routed `checkout` (`kind` = 'checkout') or `order_completed` of order `orderId`, as the
 * routing stage forwards it to `orders`: keyed by user id, with validation's headers.
 * @example routedMessage('checkout', 'ord-7', 'u-7', T0)
 */
export function routedMessage(
  kind: 'checkout' | 'order_completed',
  orderId: string,
  userId: string,
  timestamp: number,
  ingestedAtMs = timestamp + 1_000,
): OrderTopicMessage & { event: RoutedOrderEvent } {
  const common = {
    event_id: deterministicUuid('order-consumer-test', kind, orderId, timestamp),
    timestamp,
    user_id: userId,
    order_id: orderId,
    amount: 53.48,
    currency: 'EUR' as const,
    item_count: 5,
  };
  const event: RoutedOrderEvent =
    kind === 'checkout'
      ? { ...common, event_type: 'checkout', session_id: 'sess-1' }
      : { ...common, event_type: 'order_completed', payment_id: `pay-${orderId}` };
  return {
    key: userId,
    value: JSON.stringify(event),
    headers: {
      [VALIDATED_HEADER.eventType]: kind,
      [VALIDATED_HEADER.ingestedAt]: String(ingestedAtMs),
    },
    event,
  };
}

/**
 * Stage records of `orders` partition `partition` from offset `first` on (a `null` value is a tombstone).
 * @example stageRecords([orderCreatedMessage(1)], 0, 10)
 */
export function stageRecords(
  messages: readonly (
    | OrderTopicMessage
    | { key: string; value: string | Buffer | null; headers?: Record<string, string> }
  )[],
  partition = 0,
  first = 0,
  topic = 'orders',
): StageRecord[] {
  return messages.map((m, i) => ({
    topic,
    partition,
    offset: first + i,
    timestamp: T0 + 5_000,
    key: Buffer.from(m.key),
    value: m.value === null ? null : Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value),
    headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
  }));
}
