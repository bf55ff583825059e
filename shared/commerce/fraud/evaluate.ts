/**
 * The fraud rules over one customer's window, pure: (state, that customer's new payment
 * events in order, thresholds, now) → (new state, alerts).
 *
 * Windows slide in event time. A rule fires when, at an event, its condition holds over the
 * events of its window that come after the rule's previous alert window; the alert's window
 * starts at the first event counted and lasts the rule's window length, and its id is
 * hash(customer, rule, window start). So a burst raises one alert, however many more events
 * it has, and re-evaluating the same events from the same state gives the same alerts.
 *
 * Idempotency: an event whose id is in the state is skipped (a redelivery), and one older than
 * the longest window before the latest event seen is skipped as late, so evaluating a batch
 * twice yields no second alert and an unchanged state. Stage order: produce the alerts first,
 * then write the state (conditionally on the revision read); a retry after a failed write
 * re-derives the same alert ids.
 */

import type { CurrencyCode } from '../currency.ts';
import { COMMERCE_ERROR, CommerceError } from '../errors.ts';
import type { PaymentEvent } from '../schemas.ts';
import { FRAUD_ALERT_VERSION, type FraudAlert, type FraudEvidence, fraudAlertId } from './alert.ts';
import { FRAUD_RULE, FRAUD_RULE_SEVERITY, type FraudRule } from './rules.ts';
import {
  type AlertWindow,
  type CustomerWindowState,
  type PastSuccess,
  type RecentPayment,
  WINDOW_STATE_VERSION,
} from './state.ts';
import { type FraudThresholds, horizonMs } from './thresholds.ts';

/** What {@link evaluateFraud} returns. */
export interface FraudEvaluation {
  /** The state to store (unchanged content when every event was a duplicate). */
  readonly state: CustomerWindowState;
  /** New alerts, in event order, then rule order. */
  readonly alerts: readonly FraudAlert[];
  /** Events taken into the window. */
  readonly accepted: number;
  /** Events already in the window (redeliveries), skipped. */
  readonly duplicates: number;
  /** Events older than the longest window before the latest event seen, skipped. */
  readonly late: number;
  /** False when nothing but `expiresAt` could differ: the store write may be skipped. */
  readonly changed: boolean;
}

const KIND = { payment_attempt: 'attempt', payment_success: 'success', payment_failure: 'failure' } as const;

function byTime<T extends { t: number; id: string }>(a: T, b: T): number {
  return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Inserts keeping time order (appends in the usual in-order case). */
function insertSorted<T extends { t: number; id: string }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && byTime(list[i - 1]!, item) > 0) i--;
  list.splice(i, 0, item);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function recentOf(event: PaymentEvent): RecentPayment {
  const entry: RecentPayment = {
    id: event.event_id,
    t: event.timestamp,
    kind: KIND[event.event_type],
    amount: event.amount,
    currency: event.currency,
    device: event.device_id,
  };
  if (event.card_fingerprint !== undefined) entry.card = event.card_fingerprint;
  if (event.event_type === 'payment_failure') entry.reason = event.failure_reason;
  return entry;
}

interface Working {
  readonly customerId: string;
  readonly t: FraudThresholds;
  readonly recent: RecentPayment[];
  readonly successes: PastSuccess[];
  readonly windows: Partial<Record<FraudRule, AlertWindow>>;
  readonly alerts: FraudAlert[];
}

/** Events of `kind` in (at − windowMs, at] that come after the rule's previous alert window. */
function counted(w: Working, rule: FraudRule, kind: RecentPayment['kind'], at: number, windowMs: number) {
  const after = w.windows[rule]?.end ?? Number.NEGATIVE_INFINITY;
  return w.recent.filter((r) => r.kind === kind && r.t > at - windowMs && r.t <= at && r.t >= after);
}

function raise(
  w: Working,
  rule: FraudRule,
  start: number,
  windowMs: number,
  trigger: RecentPayment,
  evidence: Omit<FraudEvidence, 'event_ids' | 'count' | 'amounts' | 'currency'>,
  events: readonly RecentPayment[],
): void {
  const window = { start, end: start + windowMs };
  w.windows[rule] = window;
  w.alerts.push({
    v: FRAUD_ALERT_VERSION,
    alert_id: fraudAlertId(w.customerId, rule, start),
    customer_id: w.customerId,
    rule,
    severity: FRAUD_RULE_SEVERITY[rule],
    window_start: window.start,
    window_end: window.end,
    triggered_at: trigger.t,
    triggering_event_id: trigger.id,
    evidence: {
      event_ids: events.slice(0, w.t.maxEvidenceEvents).map((r) => r.id),
      count: events.length,
      amounts: events.slice(0, w.t.maxEvidenceEvents).map((r) => r.amount),
      currency: trigger.currency as CurrencyCode,
      ...evidence,
    },
  });
}

function checkVelocity(w: Working, e: RecentPayment): void {
  const attempts = counted(w, FRAUD_RULE.VELOCITY, 'attempt', e.t, w.t.velocityWindowMs);
  if (attempts.length >= w.t.velocityMinAttempts) {
    raise(w, FRAUD_RULE.VELOCITY, attempts[0]!.t, w.t.velocityWindowMs, e, {}, attempts);
  }
}

function checkFailures(w: Working, e: RecentPayment): void {
  const failures = counted(w, FRAUD_RULE.REPEATED_FAILURES, 'failure', e.t, w.t.failuresWindowMs);
  if (failures.length >= w.t.failuresMinCount) {
    const reasons = failures.flatMap((r) => (r.reason === undefined ? [] : [r.reason]));
    raise(
      w,
      FRAUD_RULE.REPEATED_FAILURES,
      failures[0]!.t,
      w.t.failuresWindowMs,
      e,
      { failure_reasons: reasons },
      failures,
    );
  }
}

function checkAmount(w: Working, e: RecentPayment): void {
  const after = w.windows.AMOUNT_OUTLIER?.end ?? Number.NEGATIVE_INFINITY;
  if (e.t < after) return;
  const history = w.successes.filter((s) => s.currency === e.currency && s.t < e.t).map((s) => s.amount);
  if (history.length < w.t.amountMinHistory) return;
  const typical = median(history);
  if (e.amount > w.t.amountOutlierFactor * typical) {
    raise(
      w,
      FRAUD_RULE.AMOUNT_OUTLIER,
      e.t,
      w.t.amountWindowMs,
      e,
      { median_amount: typical, history_count: history.length },
      [e],
    );
  }
}

function checkCardDevice(w: Working, e: RecentPayment): void {
  const attempts = counted(w, FRAUD_RULE.CARD_DEVICE_CHANGE, 'attempt', e.t, w.t.cardDeviceWindowMs);
  const cards = new Set(attempts.flatMap((r) => (r.card === undefined ? [] : [r.card]))).size;
  const devices = new Set(attempts.flatMap((r) => (r.device === undefined ? [] : [r.device]))).size;
  if (cards >= w.t.cardDeviceMinDistinctCards || devices >= w.t.cardDeviceMinDistinctDevices) {
    raise(
      w,
      FRAUD_RULE.CARD_DEVICE_CHANGE,
      attempts[0]!.t,
      w.t.cardDeviceWindowMs,
      e,
      { distinct_cards: cards, distinct_devices: devices },
      attempts,
    );
  }
}

/**
 * Runs the fraud rules over one customer's new payment events (in partition order).
 * @example
 * const { state, alerts } = evaluateFraud(await load(customerId), events, DEFAULT_FRAUD_THRESHOLDS, Date.now());
 * await produce(alerts.map(alertRecord)); await save(state);
 */
export function evaluateFraud(
  state: CustomerWindowState | undefined,
  events: readonly PaymentEvent[],
  thresholds: FraudThresholds,
  nowMs: number,
): FraudEvaluation {
  const customerId = state?.customerId ?? events[0]?.user_id;
  if (customerId === undefined) {
    throw new CommerceError(COMMERCE_ERROR.NO_CUSTOMER, 'evaluateFraud needs a state or at least one event');
  }
  for (const event of events) {
    if (event.user_id !== customerId) {
      throw new CommerceError(
        COMMERCE_ERROR.MIXED_CUSTOMERS,
        `a window of one customer got another customer's event`,
      );
    }
  }
  const horizon = horizonMs(thresholds);
  const w: Working = {
    customerId,
    t: thresholds,
    recent: state ? state.recent.map((r) => Object.assign({}, r)) : [],
    successes: state ? state.successes.map((s) => Object.assign({}, s)) : [],
    windows: state ? { ...state.alerts } : {},
    alerts: [],
  };
  let watermark = state?.watermarkMs ?? Number.NEGATIVE_INFINITY;
  const seen = new Set<string>([...w.recent.map((r) => r.id), ...w.successes.map((s) => s.id)]);
  let accepted = 0;
  let duplicates = 0;
  let late = 0;

  for (const event of events) {
    if (seen.has(event.event_id)) {
      duplicates++;
      continue;
    }
    if (event.timestamp < watermark - horizon) {
      late++;
      continue;
    }
    seen.add(event.event_id);
    accepted++;
    const entry = recentOf(event);
    insertSorted(w.recent, entry);
    if (entry.t > watermark) watermark = entry.t;
    if (entry.kind === 'attempt') {
      checkVelocity(w, entry);
      checkAmount(w, entry);
      checkCardDevice(w, entry);
    } else if (entry.kind === 'failure') {
      checkFailures(w, entry);
    } else {
      insertSorted(w.successes, { id: entry.id, t: entry.t, amount: entry.amount, currency: entry.currency });
      if (w.successes.length > thresholds.amountHistorySize)
        w.successes.splice(0, w.successes.length - thresholds.amountHistorySize);
    }
    // Keep the window small: drop what no rule can count any more, then cap.
    const oldest = watermark - horizon;
    let drop = 0;
    while (drop < w.recent.length && w.recent[drop]!.t < oldest) drop++;
    drop = Math.max(drop, w.recent.length - thresholds.maxRecentEvents);
    if (drop > 0) w.recent.splice(0, drop);
  }

  const alerts: Partial<Record<FraudRule, AlertWindow>> = {};
  for (const [rule, window] of Object.entries(w.windows) as [FraudRule, AlertWindow][]) {
    // A window ending before the horizon suppresses nothing any more: only late events precede it.
    if (window.end >= watermark - horizon) alerts[rule] = window;
  }
  const changed = accepted > 0;
  const next: CustomerWindowState = {
    v: WINDOW_STATE_VERSION,
    customerId,
    revision: (state?.revision ?? 0) + (changed ? 1 : 0),
    watermarkMs: Number.isFinite(watermark) ? watermark : nowMs,
    recent: w.recent,
    successes: w.successes,
    alerts,
    expiresAt: Math.ceil(
      (Math.max(nowMs, Number.isFinite(watermark) ? watermark : nowMs) + thresholds.stateTtlMs) / 1000,
    ),
  };
  return {
    state: changed || !state ? next : { ...state, expiresAt: next.expiresAt },
    alerts: w.alerts,
    accepted,
    duplicates,
    late,
    changed,
  };
}

/**
 * Splits a batch of payment events by customer, keeping each customer's order (and the order
 * in which customers first appear): one {@link evaluateFraud} call per entry.
 * @example for (const [customerId, events] of groupByCustomer(batch)) evaluateFraud(states.get(customerId), events, t, now)
 */
export function groupByCustomer<E extends { user_id: string }>(events: Iterable<E>): Map<string, E[]> {
  const groups = new Map<string, E[]>();
  for (const event of events) {
    const group = groups.get(event.user_id);
    if (group) group.push(event);
    else groups.set(event.user_id, [event]);
  }
  return groups;
}
