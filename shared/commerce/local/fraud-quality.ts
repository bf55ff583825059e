/**
 * How well the fraud stage found what the generator injected: the alerts a run produced on
 * `fraud-alerts`, held against the run's ground truth (one pattern per fraud customer). Pure.
 *
 * - A pattern is **detected** when an alert of its rule names its customer (a fraud customer
 *   makes no clean payment, so any alert of that rule is about the pattern).
 * - An alert on an injected customer with another rule is counted apart (a pattern that also
 *   crosses another rule's threshold), an alert on any other customer of the run is a **false
 *   positive** (the generator keeps clean traffic below every threshold).
 * - Alerts are counted as messages and as distinct `alert_id`s: the fraud stage is
 *   at-least-once, and a second message of an alert is the same alert (same id).
 */
import type { FraudAlert } from '../fraud/alert.ts';
import { FRAUD_RULES, type FraudRule } from '../fraud/rules.ts';
import type { FraudGroundTruth } from '../generator/commerce-generator.ts';
import { percentile, sortedValues } from './percentile.ts';

/** An alert read back from `fraud-alerts`, with when the broker got it. */
export interface ObservedAlert {
  readonly alert: FraudAlert;
  /** Record timestamp, epoch ms. */
  readonly atMs: number;
}

/** What {@link fraudQuality} measured. */
export interface FraudQuality {
  readonly injected: number;
  readonly detected: number;
  readonly byRule: Readonly<Record<FraudRule, { readonly injected: number; readonly detected: number }>>;
  /** Alert messages read. */
  readonly messages: number;
  /** Distinct alert ids among them. */
  readonly alerts: number;
  /** Distinct alerts on injected customers naming their pattern's rule. */
  readonly onPattern: number;
  /** Distinct alerts on injected customers naming another rule. */
  readonly onPatternOtherRule: number;
  /** Distinct alerts on the run's other customers (false positives). */
  readonly falsePositives: number;
  /** Customers among them. */
  readonly falsePositiveCustomers: number;
  readonly falsePositivesByRule: Readonly<Partial<Record<FraudRule, number>>>;
  /** Distinct alerts on customers that are not the run's (an earlier run, another producer). */
  readonly foreign: number;
  /** Triggering payment acknowledged → alert on the topic, ms, per distinct alert whose trigger is known. */
  readonly latencyMs: readonly number[];
}

/** What {@link fraudQuality} compares. */
export interface FraudQualityInput {
  readonly groundTruth: readonly FraudGroundTruth[];
  readonly alerts: readonly ObservedAlert[];
  /** True for a customer id of this run. */
  readonly isRunCustomer: (customerId: string) => boolean;
  /** When the broker acknowledged a payment event of the run, by event id (unknown: undefined). */
  readonly producedAt: (eventId: string) => number | undefined;
}

/**
 * Compares the alerts with the ground truth.
 * @example fraudQuality({ groundTruth, alerts, isRunCustomer, producedAt }).detected
 */
export function fraudQuality(input: FraudQualityInput): FraudQuality {
  const patternOf = new Map(input.groundTruth.map((t) => [t.customerId, t.pattern]));
  const byRule = Object.fromEntries(
    FRAUD_RULES.map((rule) => [rule, { injected: 0, detected: 0 }]),
  ) as Record<FraudRule, { injected: number; detected: number }>;
  const distinct = new Map<string, ObservedAlert>();
  for (const observed of input.alerts) {
    const seen = distinct.get(observed.alert.alert_id);
    if (seen === undefined || observed.atMs < seen.atMs) distinct.set(observed.alert.alert_id, observed);
  }
  const found = new Set<string>(); // customer + rule
  let onPattern = 0;
  let onPatternOtherRule = 0;
  let falsePositives = 0;
  let foreign = 0;
  const falsePositiveCustomers = new Set<string>();
  const falsePositivesByRule: Partial<Record<FraudRule, number>> = {};
  const latencyMs: number[] = [];
  for (const { alert, atMs } of distinct.values()) {
    const pattern = patternOf.get(alert.customer_id);
    if (pattern !== undefined) {
      found.add(`${alert.customer_id}|${alert.rule}`);
      if (alert.rule === pattern) onPattern++;
      else onPatternOtherRule++;
    } else if (input.isRunCustomer(alert.customer_id)) {
      falsePositives++;
      falsePositiveCustomers.add(alert.customer_id);
      falsePositivesByRule[alert.rule] = (falsePositivesByRule[alert.rule] ?? 0) + 1;
    } else {
      foreign++;
      continue;
    }
    const produced = input.producedAt(alert.triggering_event_id);
    if (produced !== undefined) latencyMs.push(atMs - produced);
  }
  let detected = 0;
  for (const truth of input.groundTruth) {
    byRule[truth.pattern].injected++;
    if (found.has(`${truth.customerId}|${truth.pattern}`)) {
      detected++;
      byRule[truth.pattern].detected++;
    }
  }
  return {
    injected: input.groundTruth.length,
    detected,
    byRule,
    messages: input.alerts.length,
    alerts: distinct.size,
    onPattern,
    onPatternOtherRule,
    falsePositives,
    falsePositiveCustomers: falsePositiveCustomers.size,
    falsePositivesByRule,
    foreign,
    latencyMs,
  };
}

const n = (v: number) => v.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((part * 100) / whole).toFixed(1)} %`);

/**
 * The report lines of a {@link FraudQuality} (no customer id in them).
 * @example fraudQualityLines(quality)[0] // 'fraud patterns injected 12: detected 12 (100.0 %) …'
 */
export function fraudQualityLines(q: FraudQuality): string[] {
  const perRule = FRAUD_RULES.filter((rule) => q.byRule[rule].injected > 0)
    .map((rule) => `${rule} ${q.byRule[rule].detected}/${q.byRule[rule].injected}`)
    .join(', ');
  const lines = [
    `patterns injected ${n(q.injected)}, detected ${n(q.detected)} (recall ${pct(q.detected, q.injected)})${perRule ? `: ${perRule}` : ''}`,
    `alerts ${n(q.alerts)} distinct (${n(q.messages)} message${q.messages === 1 ? '' : 's'} on fraud-alerts): ` +
      `${n(q.onPattern)} on the pattern's rule, ${n(q.onPatternOtherRule)} on an injected customer with another rule, ` +
      `${n(q.falsePositives)} on clean customers`,
    `precision (alerts on injected customers / alerts): ${pct(q.onPattern + q.onPatternOtherRule, q.onPattern + q.onPatternOtherRule + q.falsePositives)}; ` +
      `false positives: ${n(q.falsePositives)} alert(s) on ${n(q.falsePositiveCustomers)} clean customer(s)` +
      (q.falsePositives > 0
        ? ` [${Object.entries(q.falsePositivesByRule)
            .map(([rule, count]) => `${rule} ${count}`)
            .join(', ')}]`
        : ''),
  ];
  if (q.foreign > 0)
    lines.push(`${n(q.foreign)} alert(s) on customers that are not this run's (not counted)`);
  if (q.latencyMs.length > 0) {
    const sorted = sortedValues(q.latencyMs);
    lines.push(
      `alert latency (triggering payment produced → alert on fraud-alerts): P50 ${n(Math.round(percentile(sorted, 0.5)))} ms, ` +
        `P95 ${n(Math.round(percentile(sorted, 0.95)))} ms, max ${n(Math.round(percentile(sorted, 1)))} ms`,
    );
  }
  return lines;
}
