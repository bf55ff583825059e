/**
 * Summarizes many measurements as at most `max` values that keep their distribution: the values
 * themselves when there are few, else evenly spaced quantiles (always including min and max).
 * CloudWatch EMF accepts at most 100 values per metric per line, and percentiles computed over
 * the samples of many batches stay close to those over the raw values.
 */

/**
 * Returns `values` (sorted) if there are at most `max` of them, else `max` quantiles of them.
 * @example quantileSample([5, 1, 3], 100) // [1, 3, 5]
 * @example quantileSample(Array.from({ length: 1000 }, (_, i) => i), 3) // [0, 500, 999]
 */
export function quantileSample(values: readonly number[], max = 100): number[] {
  if (max < 1) throw new RangeError(`max must be at least 1, got ${max}`);
  const sorted = Float64Array.from(values).sort();
  if (sorted.length <= max) return Array.from(sorted);
  if (max === 1) return [sorted[sorted.length - 1]!];
  const out: number[] = [];
  const step = (sorted.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(sorted[Math.round(i * step)]!);
  return out;
}
