/**
 * The figures `bench:pipeline` reads from a main job report, and its comparison of the current
 * tree with a baseline commit. Reports come as JSON from a child process and may be a baseline's,
 * which can lack fields the current report has: every figure is optional and prints as `—` when
 * absent, never as a zero.
 */
import {
  accountingHolds,
  cpuCostPerRecord,
  type MainJobReport,
  recordsIn,
} from '../../../localstack/main-job/report.ts';
import { fmt } from './table.ts';

/** The three loads of the bench. */
export type RunMode = 'full' | 'default' | 'half';

/** What a run measured, every figure optional (absent from that commit's report). */
export interface RunFigures {
  /** Records put into the pipeline (generated, plus entered by HTTP). */
  readonly records?: number;
  readonly stored?: number;
  readonly rejected?: number;
  readonly dlq?: number;
  /** stored + rejected + dlq = records in, and the run did not stall. */
  readonly accounting: 'holds' | 'FAILS' | 'unknown';
  readonly stalled?: boolean;
  readonly endToEndMs?: number;
  /** Records in ÷ (first produce → last row written). */
  readonly cdrPerSecond?: number;
  /** Generated ÷ generation time: below the asked rate when the generator could not keep up. */
  readonly generatedPerSecond?: number;
  readonly latencyMs: {
    readonly p50?: number;
    readonly p95?: number;
    readonly p99?: number;
    readonly max?: number;
  };
  /** CPU µs per record over every metered process. */
  readonly cpuMicrosPerCdr?: number;
  /** CPU µs per record of each metered process (stage workers, main process, the stack's JVMs). */
  readonly cpuMicrosPerCdrByProcess: Readonly<Record<string, number>>;
  /** Highest peak RSS among the stage workers, MB. */
  readonly maxWorkerRssMb?: number;
  readonly pipelineErrors?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};

/**
 * The figures of one main job report (any commit's, as parsed JSON).
 * @example runFigures({ generated: 100, stored: 95, rejected: 5, dlq: 0, endToEndMs: 1000, … }).cdrPerSecond // 100
 */
export function runFigures(raw: unknown): RunFigures {
  const r = obj(raw);
  const hasCounts = ['generated', 'stored', 'rejected', 'dlq'].every((k) => num(r[k]) !== undefined);
  const report = r as unknown as MainJobReport;
  const records = hasCounts ? recordsIn(report) : undefined;
  const endToEndMs = num(r.endToEndMs);
  const stalled = typeof r.stalled === 'boolean' ? r.stalled : undefined;
  const latency = obj(r.latency);
  const cpuSeconds = Object.fromEntries(
    Object.entries(obj(r.cpuSeconds)).filter((e): e is [string, number] => num(e[1]) !== undefined),
  );
  const cpuKnown = records !== undefined && records > 0 && Object.keys(cpuSeconds).length > 0;
  const rss = Object.values(obj(r.workerPeakRssMb))
    .map(num)
    .filter((v) => v !== undefined);
  return {
    ...(records !== undefined ? { records } : {}),
    ...optional('stored', num(r.stored)),
    ...optional('rejected', num(r.rejected)),
    ...optional('dlq', num(r.dlq)),
    accounting: !hasCounts ? 'unknown' : accountingHolds(report) && stalled !== true ? 'holds' : 'FAILS',
    ...optional('stalled', stalled),
    ...optional('endToEndMs', endToEndMs),
    ...(records !== undefined && endToEndMs !== undefined && endToEndMs > 0
      ? { cdrPerSecond: Math.round(records / (endToEndMs / 1000)) }
      : {}),
    ...(num(r.generated) !== undefined && (num(r.generationMs) ?? 0) > 0
      ? { generatedPerSecond: Math.round((num(r.generated)! * 1000) / num(r.generationMs)!) }
      : {}),
    latencyMs: {
      ...optional('p50', num(latency.p50)),
      ...optional('p95', num(latency.p95)),
      ...optional('p99', num(latency.p99)),
      ...optional('max', num(latency.max)),
    },
    ...(cpuKnown
      ? {
          cpuMicrosPerCdr: cpuCostPerRecord({ ...report, cpuSeconds, cores: num(r.cores) ?? 1 })
            .microsPerRecord,
        }
      : {}),
    cpuMicrosPerCdrByProcess: cpuKnown
      ? Object.fromEntries(
          Object.entries(cpuSeconds).map(([name, s]) => [name, Math.round((s * 1e6) / records)]),
        )
      : {},
    ...(rss.length > 0 ? { maxWorkerRssMb: Math.max(...rss) } : {}),
    ...optional('pipelineErrors', num(r.pipelineErrors)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Change from `baseline` to `current` in percent, signed, or `—` when either is absent or the baseline is 0.
 * @example deltaPercent(110, 100) // '+10.0 %'; deltaPercent(90, 100) // '-10.0 %'
 */
export function deltaPercent(current: number | undefined, baseline: number | undefined): string {
  if (current === undefined || baseline === undefined || baseline === 0) return '—';
  const d = ((current - baseline) / Math.abs(baseline)) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)} %`;
}

/** The figures of one commit across the bench's three loads, and its storage footprint. */
export interface CommitFigures {
  readonly runs: Partial<Record<RunMode, RunFigures>>;
  /** Mean Keyspaces write units per stored CDR. */
  readonly writeUnitsPerCdr?: number;
  /** Mean encoded bytes per stored CDR (all its rows). */
  readonly bytesPerCdr?: number;
  /** Mean bytes kept in storage per stored CDR (rows + per-row metadata). */
  readonly storageBytesPerCdr?: number;
}

/** What each load was, for the section titles. */
export interface LoadDescriptions {
  readonly full: string;
  readonly default: string;
  readonly half: string;
}

type Row = readonly [metric: string, current: string, baseline: string, delta: string];

/**
 * The comparison table's rows (metric, current, baseline, Δ %): per load its throughput, latency
 * percentiles, CPU per CDR in total and per process, worker RSS and accounting; then the storage
 * footprint (left out when neither commit has one). Without a baseline its columns are `—`.
 *
 * @example formatTable(['', 'current', 'baseline', 'Δ'], comparisonRows(current, baseline, loads))
 */
export function comparisonRows(
  current: CommitFigures,
  baseline: CommitFigures | undefined,
  loads: LoadDescriptions,
): Row[] {
  const rows: Row[] = [];
  const figure = (label: string, pick: (c: CommitFigures) => number | undefined, digits = 0) => {
    const c = pick(current);
    const b = baseline ? pick(baseline) : undefined;
    rows.push([label, fmt(c, digits), fmt(b, digits), deltaPercent(c, b)]);
  };
  for (const mode of ['full', 'default', 'half'] as const) {
    const run = (c: CommitFigures) => c.runs[mode];
    rows.push([
      `${mode === 'full' ? 'full speed' : mode === 'default' ? 'default rate' : 'half rate'}: ${loads[mode]}`,
      '',
      '',
      '',
    ]);
    figure('  CDR/s generated', (c) => run(c)?.generatedPerSecond);
    figure('  CDR/s end to end', (c) => run(c)?.cdrPerSecond);
    figure('  latency P50 ms', (c) => run(c)?.latencyMs.p50);
    figure('  latency P95 ms', (c) => run(c)?.latencyMs.p95);
    figure('  latency P99 ms', (c) => run(c)?.latencyMs.p99);
    figure('  CPU µs per CDR, all processes', (c) => run(c)?.cpuMicrosPerCdr);
    const processes = new Set([
      ...Object.keys(run(current)?.cpuMicrosPerCdrByProcess ?? {}),
      ...Object.keys((baseline && run(baseline)?.cpuMicrosPerCdrByProcess) ?? {}),
    ]);
    for (const name of processes) figure(`    ${name}`, (c) => run(c)?.cpuMicrosPerCdrByProcess[name]);
    figure('  stage worker peak RSS MB (max)', (c) => run(c)?.maxWorkerRssMb);
    rows.push([
      '  accounting (stored + rejected + dlq = in)',
      run(current)?.accounting ?? '—',
      (baseline && run(baseline)?.accounting) ?? '—',
      '',
    ]);
  }
  rows.push(['CPU per CDR, default rate ÷ full speed', '', '', '']);
  figure(
    '  ratio (goal ≤ 1.5)',
    (c) => ratio(c.runs.default?.cpuMicrosPerCdr, c.runs.full?.cpuMicrosPerCdr),
    2,
  );
  const footprints = [current, ...(baseline ? [baseline] : [])];
  if (footprints.some((c) => c.writeUnitsPerCdr !== undefined || c.bytesPerCdr !== undefined)) {
    rows.push(['storage, per stored CDR', '', '', '']);
    figure('  Keyspaces write units', (c) => c.writeUnitsPerCdr, 2);
    figure('  bytes written (encoded rows)', (c) => c.bytesPerCdr);
    figure('  bytes in storage', (c) => c.storageBytesPerCdr);
  }
  return rows;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/**
 * The accounting of a run in one line, e.g. for a run whose accounting fails.
 * @example accountingLine(runFigures(report)) // 'stored 940 + rejected 50 + dlq 10 = 1,000 = in 1,000'
 */
export function accountingLine(f: RunFigures): string {
  if (f.accounting === 'unknown') return 'no counts in the report';
  const sum = (f.stored ?? 0) + (f.rejected ?? 0) + (f.dlq ?? 0);
  return (
    `stored ${fmt(f.stored)} + rejected ${fmt(f.rejected)} + dlq ${fmt(f.dlq)} = ${fmt(sum)} ` +
    `${sum === f.records ? '=' : '≠'} in ${fmt(f.records)}${f.stalled ? ', stalled' : ''}`
  );
}
