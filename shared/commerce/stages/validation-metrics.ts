/**
 * The validation stage's own metrics (Sprint-1's valid/invalid counters), per event type, as
 * CloudWatch EMF through the runtime's `Stage.batchMetrics` hook: published once per batch, for
 * the records whose outcome the broker acknowledged, beside the runtime's `RecordsIn`,
 * `RecordsForwarded` and `RecordsRejected` (per `reason`).
 *
 * | metric | unit | dimensions |
 * | --- | --- | --- |
 * | `ValidEvents` | Count | `service`, `stage` (`validation`), `eventType` |
 * | `InvalidEvents` | Count | `service`, `stage` (`validation`), `eventType` |
 *
 * `eventType` is one of the 11 event types, or `unknown` when the value named none (not JSON,
 * no or unknown `event_type`…): 12 values at most, never the input string. One EMF line per
 * event type seen in the batch carries both counts.
 */
import type { StageMetric } from '../../observability/metrics.ts';
import type { CounterKey, ValidityCounters } from '../counters.ts';

/** Metric names. */
export const VALIDATION_METRIC = {
  /** Events that passed validation (forwarded to `commerce.validated`). */
  valid: 'ValidEvents',
  /** Events rejected to `commerce.rejected` (their reasons: `RecordsRejected` per `reason`). */
  invalid: 'InvalidEvents',
} as const;

/** Dimension names. */
export const VALIDATION_METRIC_DIMENSION = {
  /** An event type, or `unknown` (`UNKNOWN_TYPE_KEY`). */
  eventType: 'eventType',
} as const;

/**
 * The metrics of a batch's counters: both counts per key seen.
 * @example validationMetrics({ view: { valid: 3, invalid: 1 } })
 * // [{ name: 'ValidEvents', value: 3, dimensions: { eventType: 'view' } }, { name: 'InvalidEvents', value: 1, … }]
 */
export function validationMetrics(counters: ValidityCounters): StageMetric[] {
  const metrics: StageMetric[] = [];
  for (const [key, count] of Object.entries(counters) as [CounterKey, { valid: number; invalid: number }][]) {
    const dimensions = { [VALIDATION_METRIC_DIMENSION.eventType]: key };
    metrics.push({ name: VALIDATION_METRIC.valid, value: count.valid, dimensions });
    metrics.push({ name: VALIDATION_METRIC.invalid, value: count.invalid, dimensions });
  }
  return metrics;
}
