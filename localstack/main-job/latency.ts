/** Percentiles of a set of latencies (nearest-rank on the sorted values). */

/** Latency summary in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Summarizes latencies (ms); NaN values are ignored.
 * @example summarizeLatencies([10, 20, 30]).p50 // 20
 */
export function summarizeLatencies(values: Iterable<number>): LatencySummary {
  const sorted = Float64Array.from([...values].filter((v) => !Number.isNaN(v))).sort();
  const at = (q: number) =>
    sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}
