/**
 * What the order consumer reads from Kafka `orders`, and the order state it folds the events
 * into. Pure: no Kafka, no AWS SDK; the clock and the record's headers come in as arguments.
 *
 * `orders` carries two families of events, and the consumer switches on `event_type`:
 * - `order_created` — the ORDER API's ECST event, published from its outbox (key = order id;
 *   headers `traceparent`, `tracestate`?, `correlation_id`, `event_type`, `event_id`). Checked with
 *   {@link OrderCreatedEventSchema}: strict like the request schema (an unknown key is refused),
 *   `schema_version` 1 only ("consumers reject versions they do not know").
 * - `checkout` and `order_completed` — the commerce pipeline's events, routed here by the routing
 *   stage (key = user id). They are VALID input: checked with the commerce validator
 *   (`validateEventObject`, the very checks the validation stage made) and appended to the event
 *   store of their `order_id` like any order event (both types require one), so an order's
 *   history holds whichever of these events exist for its id. Never rejected for being routed.
 * Anything else is rejected with a closed reason of `REJECT_REASON` (the reject topic's codes):
 * bytes that are not a JSON object, a schema violation (the first issue's reason, as the
 * validator ranks them), an unknown `event_type` (`UNKNOWN_EVENT_TYPE`), a commerce event of
 * another family (`INVALID_VALUE`: `orders` carries no payment or behaviour events).
 *
 * Status of an order (`ORDER_STATUS_OF`): `order_created` → `ACCEPTED`, `checkout` →
 * `CHECKED_OUT`, `order_completed` → `COMPLETED`; `COMPLETED` is final (a later `checkout` is
 * appended to the log but does not move the status back).
 */
import { z } from 'zod';
import { isEventType, ORDER_EVENT_TYPES, type OrderEventType } from '../events.ts';
import { jsonTypeOf, parseJsonObject } from '../json-guard.ts';
import { REJECT_REASON, type RejectReason } from '../reason-codes.ts';
import { CurrencySchema, IdSchema, UuidSchema } from '../schemas.ts';
import { summariseIssues, validateEventObject } from '../validation.ts';
import { MAX_AMOUNT, MAX_ITEMS, MAX_QUANTITY } from './constants.ts';
import {
  CustomerInfoSchema,
  ORDER_CREATED_EVENT_TYPE,
  ORDER_EVENT_SCHEMA_VERSION,
  type OrderCreatedEvent,
  OrderLineSchema,
} from './model/schemas.ts';
import { parseTraceparent } from './trace.ts';

/** The event types the order consumer appends to its event store. */
export const ORDER_STREAM_EVENT_TYPES = [ORDER_CREATED_EVENT_TYPE, ...ORDER_EVENT_TYPES] as const;

/** An event type of an order's stream. */
export type OrderStreamEventType = (typeof ORDER_STREAM_EVENT_TYPES)[number];

/**
 * Largest record value the consumer stores (bytes). DynamoDB items hold at most 400 KB and a
 * transaction 4 MB; the largest valid `order_created` (100 lines, every string at its limit) is
 * far below. Larger values are rejected `OVERSIZED` before decoding.
 */
export const MAX_ORDER_EVENT_BYTES = 256 * 1024;

const hex = (digits: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${digits}}$`), `expected ${digits} lower-case hex digits`);
/** ISO 8601 instant as the API writes it (`toISOString`). */
const InstantSchema = z.iso.datetime({ offset: true });
/** The API's correlation-id rule (`trace.ts`, `correlationIdOf`): 1–128 printable characters, no space. */
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;
/** W3C tracestate: printable ASCII, at most 512 characters (the spec's limit, as `trace.ts`). */
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/** A line of an `order_created` event: the request's line and its total. */
export const OrderItemSchema = OrderLineSchema.extend({ line_total: z.number().min(0) });

/** The stock state of one line. */
export const InventoryStatusSchema = z.strictObject({
  sku: IdSchema,
  requested_quantity: z.number().int().min(1).max(MAX_QUANTITY),
  status: z.enum(['PENDING', 'RESERVED', 'OUT_OF_STOCK']),
});

/** The tracing metadata the API writes into the event. */
export const OrderMetadataSchema = z.strictObject({
  trace_id: hex(32),
  span_id: hex(16),
  parent_span_id: hex(16).optional(),
  traceparent: z
    .string()
    .refine((value) => parseTraceparent(value) !== undefined, 'expected a W3C traceparent'),
  tracestate: z.string().regex(TRACESTATE).optional(),
  correlation_id: z.string().regex(CORRELATION_ID),
  request_id: z.string().min(1).max(256),
  source: z.literal('orders-api'),
});

/** The `order_created` event (ECST, schema version 1), as the outbox publishes it. */
export const OrderCreatedEventSchema = z.strictObject({
  event_id: UuidSchema,
  event_type: z.literal(ORDER_CREATED_EVENT_TYPE),
  schema_version: z.literal(ORDER_EVENT_SCHEMA_VERSION),
  occurred_at: InstantSchema,
  order_id: UuidSchema,
  status: z.literal('ACCEPTED'),
  created_at: InstantSchema,
  customer_info: CustomerInfoSchema,
  items: z.array(OrderItemSchema).min(1).max(MAX_ITEMS),
  currency: CurrencySchema,
  total_amount: z.number().min(0).max(MAX_AMOUNT),
  inventory_status: z.array(InventoryStatusSchema).min(1).max(MAX_ITEMS),
  metadata: OrderMetadataSchema,
});

// The schema reads exactly the event the API writes (a compile-time check both ways).
type ParsedOrderCreated = z.infer<typeof OrderCreatedEventSchema>;
const _writesWhatItReads: (event: OrderCreatedEvent) => ParsedOrderCreated = (event) => ({
  ...event,
  items: [...event.items],
  inventory_status: [...event.inventory_status],
});
const _readsWhatItWrites: (event: ParsedOrderCreated) => OrderCreatedEvent = (event) => event;
void _writesWhatItReads;
void _readsWhatItWrites;

/** The W3C Trace Context and correlation id an event is stored with. */
export interface EventTrace {
  /** 32 hex digits. */
  readonly traceId?: string;
  /** The span that published the event (the `traceparent`'s parent id): the store's write is its child. */
  readonly parentSpanId?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly correlationId?: string;
}

/** Figures of an event that the order state keeps (the latest event carrying them wins). */
export interface OrderFigures {
  readonly currency?: string;
  readonly totalAmount?: number;
  /** Units ordered (Σ quantity of the lines, or the routed event's `item_count`). */
  readonly itemCount?: number;
}

/** One event of an order's stream, ready to append. */
export interface OrderStreamEvent {
  readonly orderId: string;
  readonly eventId: string;
  readonly eventType: OrderStreamEventType;
  /** When the event happened, epoch ms (`occurred_at`, or a routed event's `timestamp`). */
  readonly occurredAtMs: number;
  /** The record value as text, unchanged (a byte-order mark included). */
  readonly payload: string;
  readonly figures: OrderFigures;
  readonly trace: EventTrace;
}

/** What the record's headers say (text values; absent when missing). */
export interface OrderRecordContext {
  /** "Now", epoch ms: the routed events' future-skew check. Read the clock once per batch. */
  readonly nowMs: number;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly correlationId?: string;
}

/** An event the consumer refuses, with its reason and a one-line message (never a field's value). */
export interface UnreadableOrderEvent {
  readonly ok: false;
  readonly reason: RejectReason;
  readonly message: string;
}

/** What {@link readOrderEvent} returns. */
export type ReadOrderEventResult =
  | { readonly ok: true; readonly event: OrderStreamEvent }
  | UnreadableOrderEvent;

const DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ROUTED_TYPES: ReadonlySet<string> = new Set(ORDER_EVENT_TYPES);

function unreadable(reason: RejectReason, message: string): UnreadableOrderEvent {
  return { ok: false, reason, message };
}

/**
 * Reads one record value of `orders` as an event of an order's stream, or says why it cannot be
 * stored. The byte-level checks are the commerce validator's, in its order (empty, size, UTF-8,
 * blank, JSON object with the structural walk); the size limit is {@link MAX_ORDER_EVENT_BYTES}.
 *
 * @example
 * const read = readOrderEvent(record.value, { nowMs, traceparent: headerText(record.headers, 'traceparent') });
 * if (read.ok) append(read.event); else reject(read.reason, read.message);
 */
export function readOrderEvent(bytes: Uint8Array | null, context: OrderRecordContext): ReadOrderEventResult {
  if (bytes === null || bytes.length === 0)
    return unreadable(REJECT_REASON.EMPTY_VALUE, 'value has no bytes');
  if (bytes.length > MAX_ORDER_EVENT_BYTES) {
    return unreadable(
      REJECT_REASON.OVERSIZED,
      `value has ${bytes.length} bytes, limit ${MAX_ORDER_EVENT_BYTES}`,
    );
  }
  let payload: string;
  try {
    payload = DECODER.decode(bytes);
  } catch {
    return unreadable(REJECT_REASON.NOT_UTF8, 'value is not valid UTF-8');
  }
  const text = payload.charCodeAt(0) === 0xfeff ? payload.slice(1) : payload;
  if (text.trim().length === 0) return unreadable(REJECT_REASON.EMPTY_VALUE, 'value is blank');
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return unreadable(parsed.reason, parsed.message);
  const object = parsed.value;
  const type = object.event_type;
  if (type === undefined) return unreadable(REJECT_REASON.MISSING_FIELD, 'event_type is missing');
  if (typeof type !== 'string') {
    return unreadable(REJECT_REASON.WRONG_TYPE, `event_type is a ${jsonTypeOf(type)}, not a string`);
  }
  if (type === ORDER_CREATED_EVENT_TYPE) return readOrderCreated(object, payload, context);
  if (ROUTED_TYPES.has(type)) return readRouted(object, payload, context);
  if (isEventType(type)) {
    return unreadable(
      REJECT_REASON.INVALID_VALUE,
      `event_type ${type} is not an order event (orders carries ${ORDER_STREAM_EVENT_TYPES.join(', ')})`,
    );
  }
  return unreadable(
    REJECT_REASON.UNKNOWN_EVENT_TYPE,
    `event_type ${JSON.stringify(type.length > 32 ? `${type.slice(0, 32)}…` : type)} is not an order event type`,
  );
}

function readOrderCreated(
  object: Record<string, unknown>,
  payload: string,
  context: OrderRecordContext,
): ReadOrderEventResult {
  const version = object.schema_version;
  if (typeof version === 'number' && version !== ORDER_EVENT_SCHEMA_VERSION) {
    return unreadable(
      REJECT_REASON.INVALID_VALUE,
      `order_created: schema_version ${Number.isSafeInteger(version) ? version : '(not an integer)'} is not supported (this consumer reads ${ORDER_EVENT_SCHEMA_VERSION})`,
    );
  }
  const parsed = OrderCreatedEventSchema.safeParse(object);
  if (!parsed.success) {
    const { reason, message } = summariseIssues(object, parsed.error.issues);
    return unreadable(reason, `order_created: ${message}`);
  }
  const event = parsed.data;
  return {
    ok: true,
    event: {
      orderId: event.order_id,
      eventId: event.event_id,
      eventType: ORDER_CREATED_EVENT_TYPE,
      occurredAtMs: Date.parse(event.occurred_at),
      payload,
      figures: {
        currency: event.currency,
        totalAmount: event.total_amount,
        itemCount: event.items.reduce((n, line) => n + line.quantity, 0),
      },
      trace: traceOf(context, event.metadata),
    },
  };
}

function readRouted(
  object: Record<string, unknown>,
  payload: string,
  context: OrderRecordContext,
): ReadOrderEventResult {
  const checked = validateEventObject(object, { nowMs: context.nowMs });
  if (!checked.ok) return unreadable(checked.reason, checked.message);
  const event = checked.event;
  if (event.event_type !== 'checkout' && event.event_type !== 'order_completed') {
    return unreadable(REJECT_REASON.INVALID_VALUE, `event_type ${event.event_type} is not an order event`);
  }
  return {
    ok: true,
    event: {
      orderId: event.order_id,
      eventId: event.event_id,
      eventType: event.event_type satisfies OrderEventType,
      occurredAtMs: event.timestamp,
      payload,
      figures: { currency: event.currency, totalAmount: event.amount, itemCount: event.item_count },
      trace: traceOf(context),
    },
  };
}

/**
 * The trace an event is stored with: the record's `traceparent` header when it is valid (else the
 * event's own `metadata.traceparent`, for an `order_created` that lost its headers), its
 * `tracestate` with it; the `correlation_id` header when valid, else the event's. Invalid values
 * are ignored, as a W3C receiver must, never refused.
 * @example traceOf({ nowMs, traceparent: '00-4bf9…-00f0…-01' }).traceId // '4bf9…'
 */
export function traceOf(
  context: Omit<OrderRecordContext, 'nowMs'>,
  metadata?: Pick<OrderCreatedEvent['metadata'], 'traceparent' | 'tracestate' | 'correlation_id'>,
): EventTrace {
  const fromHeader = parseTraceparent(context.traceparent);
  const parent = fromHeader ?? parseTraceparent(metadata?.traceparent);
  const traceparent = fromHeader ? context.traceparent!.trim() : parent ? metadata!.traceparent : undefined;
  const state = (fromHeader ? context.tracestate : metadata?.tracestate)?.trim();
  const header = context.correlationId?.trim();
  const correlationId = header && CORRELATION_ID.test(header) ? header : metadata?.correlation_id;
  return {
    ...(parent ? { traceId: parent.traceId, parentSpanId: parent.parentId, traceparent } : {}),
    ...(parent && state && TRACESTATE.test(state) ? { tracestate: state } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}

/** The status an order is in after each event type. */
export const ORDER_STATUS_OF = {
  order_created: 'ACCEPTED',
  checkout: 'CHECKED_OUT',
  order_completed: 'COMPLETED',
} as const satisfies Record<OrderStreamEventType, string>;

/** An order's status in the event store. */
export type OrderStreamStatus = (typeof ORDER_STATUS_OF)[OrderStreamEventType];

/** Rank of a status: an event never moves an order to a lower rank (`COMPLETED` is final). */
const STATUS_RANK: Readonly<Record<OrderStreamStatus, number>> = {
  ACCEPTED: 1,
  CHECKED_OUT: 1,
  COMPLETED: 2,
};

/**
 * The current state of an order: the `order-state` item (snake_case attributes, see
 * `event-store-table.ts`). Not strict: a later version of the consumer may add attributes.
 */
export const OrderStateSchema = z.object({
  order_id: z.string().min(1),
  /** The version of the last event appended (1, 2, …). */
  version: z.number().int().min(1),
  status: z.enum(['ACCEPTED', 'CHECKED_OUT', 'COMPLETED']),
  last_event_id: z.string().min(1),
  last_event_type: z.enum(ORDER_STREAM_EVENT_TYPES),
  /** ISO 8601. */
  last_occurred_at: z.string(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
  currency: z.string().optional(),
  total_amount: z.number().optional(),
  item_count: z.number().optional(),
  /** When the first event was stored, ISO 8601. */
  created_at: z.string(),
  /** When the last event was stored, ISO 8601. */
  updated_at: z.string(),
});

/** The current state of an order. */
export type OrderState = z.infer<typeof OrderStateSchema>;

/**
 * The state after appending `events` (in order) to an order whose state was `previous`
 * (`undefined`: no event yet): the version moves by one per event, the status to the highest
 * ranked one seen (ties: the latest), the last event and its trace are the last of `events`, the
 * figures the latest ones given.
 * @example foldOrderState(undefined, [created], '2026-06-01T12:00:01.000Z').version // 1
 */
export function foldOrderState(
  previous: OrderState | undefined,
  events: readonly OrderStreamEvent[],
  storedAt: string,
): OrderState {
  if (events.length === 0) {
    if (!previous) throw new RangeError('foldOrderState needs a previous state or at least one event');
    return previous;
  }
  let status: OrderStreamStatus | undefined = previous?.status;
  let currency = previous?.currency;
  let total_amount = previous?.total_amount;
  let item_count = previous?.item_count;
  for (const event of events) {
    const next = ORDER_STATUS_OF[event.eventType];
    if (status === undefined || STATUS_RANK[next] >= STATUS_RANK[status]) status = next;
    currency = event.figures.currency ?? currency;
    total_amount = event.figures.totalAmount ?? total_amount;
    item_count = event.figures.itemCount ?? item_count;
  }
  const last = events[events.length - 1]!;
  return {
    order_id: last.orderId,
    version: (previous?.version ?? 0) + events.length,
    status: status!,
    last_event_id: last.eventId,
    last_event_type: last.eventType,
    last_occurred_at: new Date(last.occurredAtMs).toISOString(),
    ...(last.trace.traceId ? { trace_id: last.trace.traceId } : {}),
    ...(last.trace.correlationId ? { correlation_id: last.trace.correlationId } : {}),
    ...(currency !== undefined ? { currency } : {}),
    ...(total_amount !== undefined ? { total_amount } : {}),
    ...(item_count !== undefined ? { item_count } : {}),
    created_at: previous?.created_at ?? storedAt,
    updated_at: storedAt,
  };
}
