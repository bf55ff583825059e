/** Plain-text tables of the CLI commands. */

/**
 * Left-aligned columns, each as wide as its widest cell, two spaces apart, no trailing blanks.
 * The first row (the header) sets the number of columns.
 * @example formatTable([['TOPIC', 'PARTITIONS'], ['orders', '2']]) // 'TOPIC   PARTITIONS\norders  2'
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
