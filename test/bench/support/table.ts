/** Plain-text tables for the benchmarks' console summaries. */

/**
 * Formats rows under a header, columns padded to their widest cell: the first `leftColumns`
 * columns aligned left (labels), the others right (figures).
 *
 * @example
 * formatTable(['run', 'events/s'], [['a', '1,000']]) // 'run  events/s\n---  --------\na       1,000'
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftColumns = 1,
): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    widths
      .map((w, j) => (j < leftColumns ? (r[j] ?? '').padEnd(w) : (r[j] ?? '').padStart(w)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * A number with thousands separators, or `—` when absent or not a number.
 * @example fmt(21411.4) // '21,411'; fmt(1.234, 2) // '1.23'; fmt(undefined) // '—'
 */
export function fmt(value: number | undefined, digits = 0): string {
  return value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
