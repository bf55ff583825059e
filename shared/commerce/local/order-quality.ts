/**
 * The orders section of a commerce local run's report: what the ORDER API answered the run's
 * orders (`OrderTally`, the driver's) and what became of the accepted ones downstream (the
 * stores' look-up: stored in the event store, rejected by the order consumer, dead-lettered), with
 * the exact accounting `posted = stored + rejected + dead letters` and the latency from the API's
 * answer to the order's `order_created` event stored. Pure.
 */
import type { OrderTally } from './order-load.ts';
import { percentile, sortedValues } from './percentile.ts';

/** What became of the accepted orders (every id of `OrderTally.accepted202`) once the pipeline was idle. */
export interface OrderFollowUp {
  /** Orders whose `order_created` event is in the event store (its marker in `order-event-ids`). */
  readonly stored: number;
  /** Orders the order consumer rejected (on `commerce.rejected`, source `orders`). */
  readonly consumerRejected: number;
  /** Orders on `orders-dlq`. */
  readonly deadLettered: number;
  /** Accepted orders found nowhere: not stored, not rejected, not dead-lettered. */
  readonly missing: number;
  /** API answer → `order_created` stored (the marker's `stored_at`), ms, per stored order. */
  readonly latencyMs: readonly number[];
}

/** The orders accounting of a run. */
export interface OrdersAccounting {
  readonly posted: number;
  readonly stored: number;
  /** 4xx answers + consumer rejects. */
  readonly rejected: number;
  readonly deadLettered: number;
  /** True when every posted order is exactly one of stored, rejected, dead-lettered. */
  readonly holds: boolean;
}

/**
 * `posted = stored + rejected (4xx + consumer) + dead letters`, exactly: it holds when no order
 * was left unanswered, none accepted was lost, and no retry created a second order.
 * @example ordersAccounting(tally, followUp).holds // true
 */
export function ordersAccounting(tally: OrderTally, followUp: OrderFollowUp): OrdersAccounting {
  const rejected = tally.rejected + followUp.consumerRejected;
  const unanswered = Object.values(tally.unanswered).reduce((a, b) => a + b, 0);
  return {
    posted: tally.posted,
    stored: followUp.stored,
    rejected,
    deadLettered: followUp.deadLettered,
    holds:
      unanswered === 0 &&
      followUp.missing === 0 &&
      tally.retryCreatedOrder === 0 &&
      tally.posted === followUp.stored + rejected + followUp.deadLettered,
  };
}

const n = (v: number) => v.toLocaleString('en-US');
const ms = (v: number) => (Number.isNaN(v) ? '-' : `${n(Math.round(v))} ms`);

function byCount(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
}

/**
 * The report lines (no customer data: reason codes, counts and times only).
 * @example orderQualityLines(tally, followUp).at(-2) // 'accounting: posted 40 = stored 37 + rejected 3 (…) + dlq 0 → OK'
 */
export function orderQualityLines(tally: OrderTally, followUp: OrderFollowUp): string[] {
  const accounting = ordersAccounting(tally, followUp);
  const unanswered = Object.values(tally.unanswered).reduce((a, b) => a + b, 0);
  const lines = [
    `posted ${n(tally.posted)} of ${n(tally.planned)} orders in ${n(tally.requests)} requests: ` +
      `accepted 202 ${n(tally.accepted)}, rejected 4xx ${n(tally.rejected)}` +
      `${unanswered > 0 ? `, unanswered ${n(unanswered)} [${byCount(tally.unanswered)}]` : ''}` +
      `${tally.throttled > 0 ? ` (${n(tally.throttled)} throttled 429, sent again)` : ''}`,
    `idempotent retries (same Idempotency-Key, same body): ${n(tally.retried)} sent, ${n(tally.replayed)} replayed ` +
      `(202, same order, Idempotent-Replayed), each counted as one posted order` +
      `${tally.retryCreatedOrder > 0 ? `; ${n(tally.retryCreatedOrder)} created a SECOND order` : ''}` +
      `${Object.keys(tally.retryOther).length > 0 ? `; answered otherwise: ${byCount(tally.retryOther)}` : ''}`,
    `rejected 4xx by reason: ${tally.rejected > 0 ? byCount(tally.rejectedByReason) : 'none'}`,
    `accepted orders downstream: stored ${n(followUp.stored)} (order_created in the event store, by event id), ` +
      `consumer rejects ${n(followUp.consumerRejected)}, orders-dlq ${n(followUp.deadLettered)}` +
      `${followUp.missing > 0 ? `, MISSING ${n(followUp.missing)}` : ''}`,
  ];
  if (tally.unexpected > 0) {
    lines.push(
      `${n(tally.unexpected)} answer(s) not as planned: ${tally.unexpectedSamples.join('; ')}${tally.unexpected > tally.unexpectedSamples.length ? '; …' : ''}`,
    );
  }
  const sorted = sortedValues(followUp.latencyMs);
  lines.push(
    `latency API answer → stored in the event store (marker stored_at), ${n(sorted.length)} orders: ` +
      `P50 ${ms(percentile(sorted, 0.5))}, P99 ${ms(percentile(sorted, 0.99))}, max ${ms(percentile(sorted, 1))}`,
    `accounting: posted ${n(accounting.posted)} = stored ${n(accounting.stored)} + rejected ${n(accounting.rejected)} ` +
      `(4xx ${n(tally.rejected)} + consumer ${n(followUp.consumerRejected)}) + dlq ${n(accounting.deadLettered)} ` +
      `→ ${accounting.holds ? 'OK' : 'MISMATCH'}`,
  );
  return lines;
}
