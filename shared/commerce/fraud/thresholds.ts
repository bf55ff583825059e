/**
 * The fraud rules' thresholds, with their defaults in one object. The generator shapes its
 * injected patterns and keeps its clean traffic below these same numbers, so pass the same
 * object to both (a test run may shrink the windows to seconds).
 */
import { requireOption } from '../errors.ts';

/** Tunable limits of the fraud rules (all times in ms of event time). */
export interface FraudThresholds {
  /** VELOCITY: sliding window over payment attempts. @default 5 minutes */
  readonly velocityWindowMs: number;
  /** VELOCITY: attempts within the window that raise an alert (≥ 3). @default 5 */
  readonly velocityMinAttempts: number;
  /** REPEATED_FAILURES: sliding window over payment failures. @default 15 minutes */
  readonly failuresWindowMs: number;
  /** REPEATED_FAILURES: failures within the window that raise an alert (≥ 2). @default 3 */
  readonly failuresMinCount: number;
  /** AMOUNT_OUTLIER: an attempt above `factor` × the median of past successful amounts (same currency) alerts. @default 5 */
  readonly amountOutlierFactor: number;
  /** AMOUNT_OUTLIER: successful payments needed before the rule applies. @default 3 */
  readonly amountMinHistory: number;
  /** AMOUNT_OUTLIER: successful payments kept as the customer's history (the last N). @default 20 */
  readonly amountHistorySize: number;
  /** AMOUNT_OUTLIER: how long one alert covers further outliers of the customer. @default 1 hour */
  readonly amountWindowMs: number;
  /** CARD_DEVICE_CHANGE: sliding window over payment attempts. @default 1 hour */
  readonly cardDeviceWindowMs: number;
  /** CARD_DEVICE_CHANGE: distinct card fingerprints within the window that raise an alert (≥ 2). @default 3 */
  readonly cardDeviceMinDistinctCards: number;
  /** CARD_DEVICE_CHANGE: distinct paying devices within the window that raise an alert (≥ 2). @default 3 */
  readonly cardDeviceMinDistinctDevices: number;
  /** Window state lives this long after the customer's last payment event or evaluation (DynamoDB TTL). @default 30 days */
  readonly stateTtlMs: number;
  /** Most recent payment events kept in the state (bounds its size well under DynamoDB's 400 KB). @default 200 */
  readonly maxRecentEvents: number;
  /** Most event ids an alert lists as evidence. @default 20 */
  readonly maxEvidenceEvents: number;
}

const MINUTE_MS = 60_000;

/** Default thresholds. */
export const DEFAULT_FRAUD_THRESHOLDS: FraudThresholds = {
  velocityWindowMs: 5 * MINUTE_MS,
  velocityMinAttempts: 5,
  failuresWindowMs: 15 * MINUTE_MS,
  failuresMinCount: 3,
  amountOutlierFactor: 5,
  amountMinHistory: 3,
  amountHistorySize: 20,
  amountWindowMs: 60 * MINUTE_MS,
  cardDeviceWindowMs: 60 * MINUTE_MS,
  cardDeviceMinDistinctCards: 3,
  cardDeviceMinDistinctDevices: 3,
  stateTtlMs: 30 * 24 * 60 * MINUTE_MS,
  maxRecentEvents: 200,
  maxEvidenceEvents: 20,
};

/**
 * Defaults with `overrides` applied, checked (throws INVALID_OPTIONS on a value out of range).
 * @example fraudThresholds({ velocityWindowMs: 10_000 }) // a test run with a 10 s velocity window
 */
export function fraudThresholds(overrides: Partial<FraudThresholds> = {}): FraudThresholds {
  const t: FraudThresholds = { ...DEFAULT_FRAUD_THRESHOLDS, ...overrides };
  for (const [name, value] of Object.entries(t)) {
    requireOption(Number.isFinite(value) && value > 0, `fraud threshold ${name} must be a positive number`);
  }
  requireOption(t.velocityMinAttempts >= 3, 'velocityMinAttempts must be ≥ 3');
  requireOption(t.failuresMinCount >= 2, 'failuresMinCount must be ≥ 2');
  requireOption(t.cardDeviceMinDistinctCards >= 2, 'cardDeviceMinDistinctCards must be ≥ 2');
  requireOption(t.cardDeviceMinDistinctDevices >= 2, 'cardDeviceMinDistinctDevices must be ≥ 2');
  requireOption(t.amountOutlierFactor > 1, 'amountOutlierFactor must be > 1');
  requireOption(t.amountHistorySize >= t.amountMinHistory, 'amountHistorySize must be ≥ amountMinHistory');
  return t;
}

/**
 * The longest window of the rules: how far back in event time the state keeps recent events.
 * @example horizonMs(DEFAULT_FRAUD_THRESHOLDS) // 3_600_000
 */
export function horizonMs(t: FraudThresholds): number {
  return Math.max(t.velocityWindowMs, t.failuresWindowMs, t.cardDeviceWindowMs, t.amountWindowMs);
}
