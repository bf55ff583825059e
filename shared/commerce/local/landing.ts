/**
 * Where a valid commerce event ends up in a local run, and the id the run tracks it by:
 * - a user event lands as a row of `activity_by_user_day` (the activity stage's table);
 * - a payment event lands as a record on `payments` (the routing stage's output: the fraud stage,
 *   its consumer, does not store payments, it only finds alerts in them);
 * - an order event (`checkout`, `order_completed`, routed to `orders`) lands in the order
 *   consumer's event store: its marker in `order-event-ids` (it is stored once, by event id);
 * - an order posted to the ORDER API lands there too: the marker of its `order_created` event
 *   (`orderEventId(orderId, 1)`, the id the outbox gives it).
 *
 * The id carries what finding it needs, so that the stores can look an event up from its id
 * alone: the activity row's partition (user, UTC day) and clustering key (event time, event id),
 * the topic and the event id, or the event id (and the order id) in the event store. `|` is safe
 * as a separator: identifiers never contain it.
 */
import { orderEventId } from '../orders/model/order.ts';
import { COMMERCE_TOPIC, routeEvent } from '../routing.ts';
import type { CommerceEvent } from '../schemas.ts';

/** Prefix of the ids of events that land in activity storage. */
const ACTIVITY = 'activity';

/** Prefix of the ids of orders posted to the ORDER API. */
const API_ORDER = 'orders-api';

/** Where one event lands. */
export type Landing =
  | {
      readonly kind: 'activity';
      readonly eventId: string;
      readonly userId: string;
      /** Event time, epoch ms: the row's `event_time` (and its UTC day, the row's `day`). */
      readonly timestampMs: number;
    }
  | {
      readonly kind: 'topic';
      readonly eventId: string;
      /** `payments`. */
      readonly topic: string;
    }
  | {
      readonly kind: 'event-store';
      /** The event's id: the key of its marker in `order-event-ids`. */
      readonly eventId: string;
      /** `routed`: a commerce event routed to `orders`; `api`: an order posted to the ORDER API. */
      readonly source: 'routed' | 'api';
      /** The order id, for an order posted to the API. */
      readonly orderId?: string;
    };

/** The topics on which an event counts as landed: `payments` (the routing stage's output whose consumer stores nothing). */
export const LANDING_TOPICS: readonly string[] = [COMMERCE_TOPIC.payments];

/**
 * The topics whose consumers' rejects and dead letters the run reads back, so that an event they
 * failed is counted there, never also as landed: `payments` (fraud stage) and `orders` (order consumer).
 */
export const FOLLOWED_TOPICS: readonly string[] = [COMMERCE_TOPIC.payments, COMMERCE_TOPIC.orders];

/**
 * The tracking id of a valid event.
 * @example landingIdOf(view) // 'activity|100042|1767225600000|0b1d…'
 * @example landingIdOf(paymentAttempt) // 'payments|5c7e…'
 * @example landingIdOf(checkout) // 'orders|9a3f…' (in the event store)
 */
export function landingIdOf(event: CommerceEvent): string {
  const { topic } = routeEvent(event);
  return topic === COMMERCE_TOPIC.userEvents
    ? activityLandingId(event.user_id, event.timestamp, event.event_id)
    : `${topic}|${event.event_id}`;
}

/**
 * The tracking id of a user event from what its activity row holds (user, event time, event id).
 * @example activityLandingId('100042', 1767225600000, '0b1d…') // 'activity|100042|1767225600000|0b1d…'
 */
export function activityLandingId(userId: string, timestampMs: number, eventId: string): string {
  return `${ACTIVITY}|${userId}|${timestampMs}|${eventId}`;
}

/**
 * The tracking id of an order the ORDER API accepted (202): it lands as its `order_created` event.
 * @example orderLandingId('019b7c4a-…') // 'orders-api|019b7c4a-…'
 */
export function orderLandingId(orderId: string): string {
  return `${API_ORDER}|${orderId}`;
}

/**
 * The landing an id names; throws on an id {@link landingIdOf} did not make.
 * @example parseLandingId('payments|5c7e…') // { kind: 'topic', topic: 'payments', eventId: '5c7e…' }
 * @example parseLandingId('orders|9a3f…') // { kind: 'event-store', source: 'routed', eventId: '9a3f…' }
 */
export function parseLandingId(id: string): Landing {
  const parts = id.split('|');
  if (parts[0] === ACTIVITY && parts.length === 4) {
    return { kind: 'activity', userId: parts[1]!, timestampMs: Number(parts[2]), eventId: parts[3]! };
  }
  if (parts.length === 2 && parts[0] === COMMERCE_TOPIC.orders) {
    return { kind: 'event-store', source: 'routed', eventId: parts[1]! };
  }
  if (parts.length === 2 && parts[0] === API_ORDER) {
    return { kind: 'event-store', source: 'api', orderId: parts[1]!, eventId: orderEventId(parts[1]!, 1) };
  }
  if (parts.length === 2 && LANDING_TOPICS.includes(parts[0]!)) {
    return { kind: 'topic', topic: parts[0]!, eventId: parts[1]! };
  }
  throw new Error(`not a commerce landing id: ${JSON.stringify(id.slice(0, 80))}`);
}
