/**
 * Live progress of the main job: per stage, records in and out, rate and consumer lag; rejected
 * and DLQ counts. Redrawn in place on a terminal, one line every few seconds otherwise (CI logs).
 */
import type { PartitionLag } from '../esm/lag.ts';
import type { StageTotals } from '../esm/pipeline.ts';

/** One progress sample. */
export interface ProgressSample {
  readonly atMs: number;
  readonly generated: number;
  readonly generating: boolean;
  readonly stages: Readonly<Record<string, StageTotals>>;
  readonly lagByStage: Readonly<Record<string, number>>;
  readonly rejected: number;
  readonly dlq: number;
}

/** Sums partition lags per stage. */
export function lagPerStage(rows: readonly PartitionLag[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[row.stage] = (out[row.stage] ?? 0) + row.lag;
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Renders samples; keeps the previous one to compute rates. */
export class ProgressView {
  private previous: ProgressSample | undefined;
  private drawnLines = 0;
  private lastPlainMs = 0;

  constructor(
    private readonly stageNames: readonly string[],
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly plainEveryMs = 5_000,
  ) {}

  /** Shows one sample. */
  show(sample: ProgressSample): void {
    const prev = this.previous;
    this.previous = sample;
    const seconds = prev ? Math.max((sample.atMs - prev.atMs) / 1000, 0.001) : 1;
    const rate = (stage: string) =>
      prev ? ((sample.stages[stage]?.recordsIn ?? 0) - (prev.stages[stage]?.recordsIn ?? 0)) / seconds : 0;
    if (!this.out.isTTY) {
      if (sample.atMs - this.lastPlainMs < this.plainEveryMs && sample.generating) return;
      this.lastPlainMs = sample.atMs;
      const parts = this.stageNames.map((s) => {
        const t = sample.stages[s];
        return `${s} ${fmt(t?.recordsSucceeded ?? 0)}/${fmt(t?.recordsIn ?? 0)} lag ${fmt(sample.lagByStage[s] ?? 0)}`;
      });
      this.out.write(
        `[progress] generated ${fmt(sample.generated)} | ${parts.join(' | ')} | rejected ${fmt(sample.rejected)} | dlq ${fmt(sample.dlq)}\n`,
      );
      return;
    }
    const lines = [
      `generated ${fmt(sample.generated)}${sample.generating ? ' (generating…)' : ''}   rejected ${fmt(sample.rejected)}   dlq ${fmt(sample.dlq)}`,
      `${'STAGE'.padEnd(14)}${'IN'.padStart(10)}${'DONE'.padStart(10)}${'ON-FAILURE'.padStart(12)}${'RATE/s'.padStart(10)}${'LAG'.padStart(10)}`,
      ...this.stageNames.map((s) => {
        const t = sample.stages[s];
        return (
          s.padEnd(14) +
          fmt(t?.recordsIn ?? 0).padStart(10) +
          fmt(t?.recordsSucceeded ?? 0).padStart(10) +
          fmt(t?.recordsOnFailure ?? 0).padStart(12) +
          fmt(rate(s)).padStart(10) +
          fmt(sample.lagByStage[s] ?? 0).padStart(10)
        );
      }),
    ];
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A`);
    for (const line of lines) this.out.write(`\x1b[2K${line}\n`);
    this.drawnLines = lines.length;
  }
}
