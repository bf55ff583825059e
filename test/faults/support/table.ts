/** The fault runs' printed table: one row per scenario. */
import type { ScenarioResult } from './scenario.ts';

const COLUMNS = [
  'scenario',
  'pipeline',
  'generated',
  'stored',
  'rejected',
  'dead-lettered',
  'replayed',
  'duplicates',
  'lost',
  'time to recover',
  'exact',
] as const;

/** The cells of one row. */
function cells(r: ScenarioResult): string[] {
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    r.scenario,
    r.pipeline,
    n(r.generated),
    n(r.stored),
    n(r.rejected),
    n(r.deadLettered),
    n(r.replayed),
    n(r.duplicates),
    n(r.lost),
    r.recoveryMs === undefined ? '-' : `${(r.recoveryMs / 1000).toFixed(1)} s`,
    r.exact ? 'yes' : 'NO',
  ];
}

/**
 * A Markdown table of the rows (what the README's "Failure behaviour" section shows).
 * @example console.log(formatTable(results));
 */
export function formatTable(rows: readonly ScenarioResult[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(COLUMNS),
    `|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}
