/**
 * Nearest-rank percentiles for the commerce local run's report sections (alert latency, order
 * latency). Pure.
 */

/**
 * The nearest-rank percentile `q` (0–1) of values sorted ascending; `NaN` when there are none.
 * @example percentile(Float64Array.from([10, 20, 30]), 0.5) // 20
 */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * The values sorted ascending, ready for {@link percentile}.
 * @example percentile(sortedValues([30, 10, 20]), 1) // 30
 */
export function sortedValues(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}
