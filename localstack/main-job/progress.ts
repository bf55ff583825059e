/**
 * Live progress of the main job: per stage, records in and out, rate and consumer lag; rejected
 * and DLQ counts. Redrawn in place on a terminal, one line every few seconds otherwise (CI logs).
 */
import type { PartitionLag } from '../esm/lag.ts';
import type { StageTotals } from '../esm/pipeline.ts';
import type { HttpApiCounters, PipelineFunctionCounters } from '../esm/pipeline-functions.ts';

/** One progress sample. */
export interface ProgressSample {
  readonly atMs: number;
  readonly generated: number;
  readonly generating: boolean;
  readonly stages: Readonly<Record<string, StageTotals>>;
  readonly lagByStage: Readonly<Record<string, number>>;
  readonly rejected: number;
  readonly dlq: number;
  /** The pipeline's HTTP APIs and stream stages, when it has any. */
  readonly functions?: PipelineFunctionCounters;
}

/** Sums partition lags per stage. */
export function lagPerStage(rows: readonly PartitionLag[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[row.stage] = (out[row.stage] ?? 0) + row.lag;
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * One API's requests by status, e.g. `1,000 requests (202 950 · 429 50)`.
 * @example requestsLine({ requests: 3, byStatus: { '202': 2, '429': 1 }, … }) // '3 requests (202 2 · 429 1)'
 */
export function requestsLine(api: Pick<HttpApiCounters, 'requests' | 'byStatus'>): string {
  const statuses = Object.entries(api.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ${fmt(n)}`);
  return `${fmt(api.requests)} requests${statuses.length > 0 ? ` (${statuses.join(' · ')})` : ''}`;
}

/** Options of {@link ProgressView}. */
export interface ProgressViewOptions {
  /** Where to draw. @default process.stdout */
  readonly out?: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  /** Milliseconds between lines when `out` is not a terminal. @default 5000 */
  readonly plainEveryMs?: number;
  /**
   * Workers started again per stage after one died (`StageWorkersHandle.restarts`); a stage shows
   * `restarts N` once N > 0. @default none (stages in this process)
   */
  readonly restarts?: () => Readonly<Record<string, number>>;
}

/** ` restarts N` for a stage restarted N > 0 times, else nothing. */
export function restartsPart(restarts: Readonly<Record<string, number>> | undefined, stage: string): string {
  const n = restarts?.[stage] ?? 0;
  return n > 0 ? ` restarts ${fmt(n)}` : '';
}

/**
 * Renders samples; keeps the previous one to compute rates.
 * @example new ProgressView(['validation'], { restarts: () => workers.restarts() }).show(sample)
 */
export class ProgressView {
  private previous: ProgressSample | undefined;
  private drawnLines = 0;
  private lastPlainMs = 0;
  private readonly out: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  private readonly plainEveryMs: number;
  private readonly restarts: (() => Readonly<Record<string, number>>) | undefined;

  constructor(
    private readonly stageNames: readonly string[],
    options: ProgressViewOptions = {},
  ) {
    this.out = options.out ?? process.stdout;
    this.plainEveryMs = options.plainEveryMs ?? 5_000;
    this.restarts = options.restarts;
  }

  /** Shows one sample. */
  show(sample: ProgressSample): void {
    const prev = this.previous;
    this.previous = sample;
    const seconds = prev ? Math.max((sample.atMs - prev.atMs) / 1000, 0.001) : 1;
    const rate = (stage: string) =>
      prev ? ((sample.stages[stage]?.recordsIn ?? 0) - (prev.stages[stage]?.recordsIn ?? 0)) / seconds : 0;
    const restarts = this.restarts?.();
    if (!this.out.isTTY) {
      if (sample.atMs - this.lastPlainMs < this.plainEveryMs && sample.generating) return;
      this.lastPlainMs = sample.atMs;
      const parts = this.stageNames.map((s) => {
        const t = sample.stages[s];
        return `${s} ${fmt(t?.recordsSucceeded ?? 0)}/${fmt(t?.recordsIn ?? 0)} lag ${fmt(sample.lagByStage[s] ?? 0)}${restartsPart(restarts, s)}`;
      });
      const fn = sample.functions;
      if (fn) {
        for (const [name, api] of Object.entries(fn.httpApis)) parts.push(`${name} ${requestsLine(api)}`);
        for (const [name, c] of Object.entries(fn.streamStages)) {
          parts.push(`${name} ${fmt(c.succeeded)}/${fmt(c.records)} pending ${fmt(c.pending)}`);
        }
      }
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
          fmt(sample.lagByStage[s] ?? 0).padStart(10) +
          restartsPart(restarts, s)
        );
      }),
      ...this.functionLines(sample, prev, seconds),
    ];
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A`);
    for (const line of lines) this.out.write(`\x1b[2K${line}\n`);
    this.drawnLines = lines.length;
  }

  /** Rows of the stream stages (IN, DONE, ON-FAILURE, RATE, and PENDING as their lag) and one line per API. */
  private functionLines(sample: ProgressSample, prev: ProgressSample | undefined, seconds: number): string[] {
    const fn = sample.functions;
    if (!fn) return [];
    const streams = Object.entries(fn.streamStages).map(([name, c]) => {
      const before = prev?.functions?.streamStages[name]?.records ?? c.records;
      return (
        name.padEnd(14) +
        fmt(c.records).padStart(10) +
        fmt(c.succeeded).padStart(10) +
        fmt(c.onFailure).padStart(12) +
        fmt(prev ? (c.records - before) / seconds : 0).padStart(10) +
        fmt(c.pending).padStart(10)
      );
    });
    const apis = Object.entries(fn.httpApis).map(
      ([name, api]) => `HTTP ${name}: ${requestsLine(api)}, in flight ${fmt(api.inFlight)}`,
    );
    return [...streams, ...apis];
  }
}
