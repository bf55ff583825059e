/**
 * A validated request → the stored order and its `order_created` event (ECST). Pure: the id,
 * the time and the trace come in as arguments.
 */
import { minorUnitDigits } from '../../currency.ts';
import { deterministicUuid } from '../../hash.ts';
import { formatTraceparent, type TraceContext } from '../trace.ts';
import {
  ORDER_CREATED_EVENT_TYPE,
  ORDER_EVENT_SCHEMA_VERSION,
  type Order,
  type OrderCreatedEvent,
  type OrderMetadata,
  type OrderRequest,
} from './schemas.ts';

/** What the API knows about the request beside its body. */
export interface OrderContext {
  /** The new order's id (a UUID v7, see `ids.ts`). */
  readonly orderId: string;
  /** Acceptance time, epoch ms. */
  readonly nowMs: number;
  readonly trace: TraceContext;
  readonly correlationId: string;
  /** API Gateway's request id. */
  readonly requestId: string;
}

/**
 * The order as stored: the request's fields, each line with its total, every line's stock
 * `PENDING`, and the request's tracing metadata.
 * @example const order = buildOrder(request, { orderId: uuidV7(now), nowMs: now, trace, correlationId, requestId });
 */
export function buildOrder(request: OrderRequest, context: OrderContext): Order {
  const scale = 10 ** minorUnitDigits(request.currency);
  const { trace } = context;
  const metadata: OrderMetadata = {
    trace_id: trace.traceId,
    span_id: trace.spanId,
    ...(trace.parentSpanId ? { parent_span_id: trace.parentSpanId } : {}),
    traceparent: formatTraceparent(trace),
    ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    correlation_id: context.correlationId,
    request_id: context.requestId,
    source: 'orders-api',
  };
  return {
    order_id: context.orderId,
    status: 'ACCEPTED',
    created_at: new Date(context.nowMs).toISOString(),
    customer_info: request.customer_info,
    items: request.items.map((line) => ({
      ...line,
      line_total: (Math.round(line.unit_price * scale) * line.quantity) / scale,
    })),
    currency: request.currency,
    total_amount: request.total_amount,
    inventory_status: request.items.map((line) => ({
      sku: line.sku,
      requested_quantity: line.quantity,
      status: 'PENDING' as const,
    })),
    metadata,
  };
}

/**
 * The id of the event at `sequence` of an order's outbox: the same (order, sequence) always
 * gives the same id, so a re-published entry is recognised downstream.
 * @example orderEventId('019b…', 1)
 */
export function orderEventId(orderId: string, sequence: number): string {
  return deterministicUuid('order-outbox', orderId, sequence);
}

/**
 * The `order_created` event of a new order (sequence 1 of its outbox).
 * @example JSON.stringify(orderCreatedEvent(order)) // the Kafka value
 */
export function orderCreatedEvent(order: Order): OrderCreatedEvent {
  return {
    event_id: orderEventId(order.order_id, 1),
    event_type: ORDER_CREATED_EVENT_TYPE,
    schema_version: ORDER_EVENT_SCHEMA_VERSION,
    occurred_at: order.created_at,
    ...order,
  };
}
