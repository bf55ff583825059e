/**
 * Fraud alerts: what the fraud stage writes to `fraud-alerts`, keyed by customer id. An alert's
 * id is a hash of (customer, rule, window start), so however often a batch is retried or
 * replayed, one window of one rule for one customer is one alert.
 */
import { z } from 'zod';
import { deterministicUuid } from '../hash.ts';
import { COMMERCE_TOPIC } from '../routing.ts';
import { CurrencySchema, FailureReasonSchema, IdSchema, UuidSchema } from '../schemas.ts';
import { FRAUD_RULES, type FraudRule } from './rules.ts';

/** Version of the alert JSON. */
export const FRAUD_ALERT_VERSION = 1;

/** What made the rule fire. */
export const FraudEvidenceSchema = z.strictObject({
  /** The payment events counted (at most `maxEvidenceEvents`, oldest first). */
  event_ids: z.array(UuidSchema),
  /** How many events the rule counted (attempts, failures, or 1 for an outlier). */
  count: z.number().int().nonnegative(),
  /** Amounts of the counted events, in `currency`. */
  amounts: z.array(z.number()),
  /** Currency of `amounts` (the triggering event's). */
  currency: CurrencySchema,
  /** AMOUNT_OUTLIER: median of the customer's past successful amounts in that currency. */
  median_amount: z.number().optional(),
  /** AMOUNT_OUTLIER: how many past successes the median is over. */
  history_count: z.number().int().optional(),
  /** CARD_DEVICE_CHANGE: distinct card fingerprints in the window. */
  distinct_cards: z.number().int().optional(),
  /** CARD_DEVICE_CHANGE: distinct paying devices in the window. */
  distinct_devices: z.number().int().optional(),
  /** REPEATED_FAILURES: the decline reasons, in order. */
  failure_reasons: z.array(FailureReasonSchema).optional(),
});

/** Schema of a `fraud-alerts` value. */
export const FraudAlertSchema = z.strictObject({
  v: z.literal(FRAUD_ALERT_VERSION),
  /** {@link fraudAlertId} of (customer_id, rule, window_start). */
  alert_id: UuidSchema,
  customer_id: IdSchema,
  rule: z.enum(FRAUD_RULES as [FraudRule, ...FraudRule[]]),
  severity: z.enum(['medium', 'high']),
  /** Event time of the window's first counted event, epoch ms. */
  window_start: z.number().int(),
  /** End of the window (exclusive), epoch ms: the rule does not fire again for events before it. */
  window_end: z.number().int(),
  /** Event time of the event that made the rule fire (not the wall clock: retries give the same alert). */
  triggered_at: z.number().int(),
  triggering_event_id: UuidSchema,
  evidence: FraudEvidenceSchema,
});

/** A fraud alert. */
export type FraudAlert = z.infer<typeof FraudAlertSchema>;
/** The evidence of an alert. */
export type FraudEvidence = z.infer<typeof FraudEvidenceSchema>;

/**
 * The deterministic id of the alert of `rule` for `customerId` whose window starts at `windowStartMs`.
 * @example fraudAlertId('100042', 'VELOCITY', 1767225600000) // the same UUID on every retry
 */
export function fraudAlertId(customerId: string, rule: FraudRule, windowStartMs: number): string {
  return deterministicUuid('fraud-alert', customerId, rule, windowStartMs);
}

const ENCODER = new TextEncoder();

/**
 * Where an alert goes and its bytes: `fraud-alerts`, keyed by customer id.
 * @example const { topic, key, value } = alertRecord(alert)
 */
export function alertRecord(alert: FraudAlert): { topic: string; key: string; value: Uint8Array } {
  return {
    topic: COMMERCE_TOPIC.fraudAlerts,
    key: alert.customer_id,
    value: ENCODER.encode(JSON.stringify(alert)),
  };
}
