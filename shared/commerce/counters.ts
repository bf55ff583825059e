/**
 * Valid/invalid counters per event type, for the validation stage's metrics (Sprint-1's
 * "compteurs de métriques (valides/invalides)"). Pure tallies: the stage emits them as EMF.
 */
import type { EventType } from './events.ts';
import type { ValidationResult } from './validation.ts';

/** Counter key of values whose event type could not be read (or named no known type). */
export const UNKNOWN_TYPE_KEY = 'unknown';

/** A counter key: a known event type, or {@link UNKNOWN_TYPE_KEY} (never the raw input string). */
export type CounterKey = EventType | typeof UNKNOWN_TYPE_KEY;

/** Valid and invalid counts of one key. */
export interface ValidityCount {
  readonly valid: number;
  readonly invalid: number;
}

/** Counts per event type; only keys seen are present. */
export type ValidityCounters = Readonly<Partial<Record<CounterKey, ValidityCount>>>;

/**
 * Tallies a batch of validation results, optionally on top of earlier counters (returns a new
 * object; `previous` is not modified).
 * @example
 * tallyValidation([validateEvent(a, limits), validateEvent(b, limits)])
 * // { view: { valid: 1, invalid: 0 }, unknown: { valid: 0, invalid: 1 } }
 */
export function tallyValidation(
  results: Iterable<ValidationResult>,
  previous: ValidityCounters = {},
): ValidityCounters {
  const counts: Partial<Record<CounterKey, { valid: number; invalid: number }>> = {};
  for (const [key, count] of Object.entries(previous) as [CounterKey, ValidityCount][]) {
    counts[key] = { valid: count.valid, invalid: count.invalid };
  }
  for (const result of results) {
    const key: CounterKey = result.ok ? result.event.event_type : (result.eventType ?? UNKNOWN_TYPE_KEY);
    const count = counts[key] ?? { valid: 0, invalid: 0 };
    counts[key] = count;
    if (result.ok) count.valid++;
    else count.invalid++;
  }
  return counts;
}
