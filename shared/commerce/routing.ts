/**
 * Topic names of the commerce pipeline and the routing rule, as data. The rule is exactly
 * KiVendTout's `determine_topic`: payment events → `payments`, checkout/order events →
 * `orders`, everything else → `user-events`. Records keep their key (the customer id).
 */
import { type EventType, ORDER_EVENT_TYPES, PAYMENT_EVENT_TYPES } from './events.ts';
import type { CommerceEvent } from './schemas.ts';

/**
 * Every commerce topic. The seed names are kept as they are. The reject topic is
 * `commerce.rejected`: `<pipeline>.rejected` like the CDR pipeline's `cdr.rejected`, so the
 * replay and inspect tooling and operators find both the same way, and no seed topic can
 * collide with it on a cluster both pipelines share. The dead-letter topics are per domain
 * (PubSubKafka ADR-003); `orders-dlq` is shared with the orders service.
 */
export const COMMERCE_TOPIC = {
  /** Ingestion: generator and dataset loader produce here, keyed by user id. */
  rawEvents: 'raw-events',
  /** Events that passed validation, unchanged bytes; buffer validation → routing. */
  validated: 'commerce.validated',
  /** Behavioural events (view, addtocart, transaction, search, filter, review). */
  userEvents: 'user-events',
  /** Payment events, read by the fraud rules. */
  payments: 'payments',
  /** Checkout and order events. */
  orders: 'orders',
  /** Fraud alerts, keyed by customer id. */
  fraudAlerts: 'fraud-alerts',
  /** Invalid raw events, original bytes and reason headers. */
  rejected: 'commerce.rejected',
  /** Dead letters of the user-events consumers (activity storage). */
  usersDlq: 'users-dlq',
  /** Dead letters of the payments consumers (fraud stage). */
  paymentsDlq: 'payments-dlq',
  /** Dead letters of the orders consumers. */
  ordersDlq: 'orders-dlq',
} as const;

/** A commerce topic name. */
export type CommerceTopic = (typeof COMMERCE_TOPIC)[keyof typeof COMMERCE_TOPIC];

/** A topic the routing stage writes to. */
export type RoutedTopic =
  | typeof COMMERCE_TOPIC.userEvents
  | typeof COMMERCE_TOPIC.payments
  | typeof COMMERCE_TOPIC.orders;

/** The routing rules, first match wins, as KiVendTout wrote them. */
export const ROUTING_RULES: readonly {
  readonly topic: RoutedTopic;
  readonly eventTypes: readonly EventType[];
}[] = [
  { topic: COMMERCE_TOPIC.payments, eventTypes: PAYMENT_EVENT_TYPES },
  { topic: COMMERCE_TOPIC.orders, eventTypes: ORDER_EVENT_TYPES },
];

/** Where every event type no rule names goes. */
export const DEFAULT_ROUTE: RoutedTopic = COMMERCE_TOPIC.userEvents;

/**
 * The topic of an event type, by the rules above; any other string → `user-events` (the seed's
 * `else` branch).
 * @example topicForEventType('payment_failure') // 'payments'
 * @example topicForEventType('checkout') // 'orders'
 * @example topicForEventType('search') // 'user-events'
 */
export function topicForEventType(eventType: string): RoutedTopic {
  for (const rule of ROUTING_RULES)
    if ((rule.eventTypes as readonly string[]).includes(eventType)) return rule.topic;
  return DEFAULT_ROUTE;
}

/** The routing table, one row per event type (derived from the rules: exhaustive by construction). */
export const ROUTE_BY_EVENT_TYPE: Readonly<Record<EventType, RoutedTopic>> = {
  view: topicForEventType('view'),
  addtocart: topicForEventType('addtocart'),
  transaction: topicForEventType('transaction'),
  search: topicForEventType('search'),
  filter: topicForEventType('filter'),
  review: topicForEventType('review'),
  payment_attempt: topicForEventType('payment_attempt'),
  payment_success: topicForEventType('payment_success'),
  payment_failure: topicForEventType('payment_failure'),
  checkout: topicForEventType('checkout'),
  order_completed: topicForEventType('order_completed'),
};

/** The dead-letter topic of the consumers of each routed topic. */
export const DLQ_OF_TOPIC: Readonly<Record<RoutedTopic, CommerceTopic>> = {
  [COMMERCE_TOPIC.userEvents]: COMMERCE_TOPIC.usersDlq,
  [COMMERCE_TOPIC.payments]: COMMERCE_TOPIC.paymentsDlq,
  [COMMERCE_TOPIC.orders]: COMMERCE_TOPIC.ordersDlq,
};

/** Where one validated event goes, and under which key. */
export interface Route {
  readonly topic: RoutedTopic;
  /** The customer id (`user_id`): the same key on every topic keeps a customer's events in order. */
  readonly key: string;
}

/**
 * Routes a validated event.
 * @example routeEvent(event) // { topic: 'payments', key: 'u-100042' }
 */
export function routeEvent(event: CommerceEvent): Route {
  return { topic: ROUTE_BY_EVENT_TYPE[event.event_type], key: event.user_id };
}

/**
 * The Kafka key of a commerce event: its customer id.
 * @example customerKeyOf(event) // '100042'
 */
export function customerKeyOf(event: Pick<CommerceEvent, 'user_id'>): string {
  return event.user_id;
}
