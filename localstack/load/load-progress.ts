/**
 * Progress of `orion load`: a bar over the file's bytes, redrawn in place on a terminal, one plain
 * line every few seconds otherwise (CI logs); and the final summary.
 */
import type { DatasetLoadProgress, DatasetLoadReport } from './load-dataset.ts';

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const perSecond = (count: number, ms: number) => (count * 1000) / Math.max(ms, 1);

/**
 * One progress line: bar, share of the file, lines, events, skipped, rate.
 * @example formatLoadProgress({ lines: 10, produced: 8, skipped: 2, bytesRead: 50, fileBytes: 100, elapsedMs: 1000 })
 * // '[##########··········]  50.0 %  10 lines  8 events  2 skipped  8 events/s'
 */
export function formatLoadProgress(p: DatasetLoadProgress, width = 20): string {
  const share = p.fileBytes > 0 ? Math.min(1, p.bytesRead / p.fileBytes) : 1;
  const full = Math.round(share * width);
  return (
    `[${'#'.repeat(full)}${'·'.repeat(width - full)}] ${(share * 100).toFixed(1).padStart(5)} %  ` +
    `${n(p.lines)} lines  ${n(p.produced)} events  ${n(p.skipped)} skipped  ${n(perSecond(p.produced, p.elapsedMs))} events/s`
  );
}

/** Shows progress on `out`: in place on a terminal, every `plainEveryMs` otherwise. */
export class LoadProgressView {
  private lastPlainMs = 0;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly plainEveryMs = 5_000,
  ) {}

  /** Shows one sample. */
  show(p: DatasetLoadProgress): void {
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${formatLoadProgress(p)}`);
      this.drawn = true;
      return;
    }
    if (p.elapsedMs - this.lastPlainMs < this.plainEveryMs) return;
    this.lastPlainMs = p.elapsedMs;
    this.out.write(`[load] ${formatLoadProgress(p)}\n`);
  }

  /** Ends the in-place line before the summary. */
  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/**
 * The summary printed at the end of a load.
 * @example formatLoadSummary(report).split('\n')[0] // 'loaded events.csv (retail-rocket) in 2.1 s'
 */
export function formatLoadSummary(file: string, r: DatasetLoadReport): string {
  const seconds = r.elapsedMs / 1000;
  const lines = [
    `loaded ${file} (${r.dataset}) in ${seconds.toFixed(1)} s`,
    `  lines read        ${n(r.lines).padStart(12)}`,
    `  events produced   ${n(r.produced).padStart(12)}   (${n(perSecond(r.produced, r.elapsedMs))} events/s; ${Object.entries(
      r.perTopic,
    )
      .map(([topic, count]) => `${topic} ${n(count)}`)
      .join(', ')})`,
    `  skipped lines     ${n(r.skipped).padStart(12)}`,
    ...Object.entries(r.skippedByReason)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, count]) => `    ${reason.padEnd(24)} ${n(count).padStart(10)}`),
    `  blank / header    ${n(r.ignored).padStart(12)}`,
    ...(r.skippedExamples.length > 0
      ? [
          '  first skipped lines:',
          ...r.skippedExamples.map((e) => `    line ${e.line}: ${e.reason} (${e.message})`),
        ]
      : []),
  ];
  return lines.join('\n');
}
