/**
 * The main job's final report: outcome counts, latency, throughput, sample rows, accounting. The
 * words for the pipeline's records and its end of line come from its local-run module's labels.
 */
import type {
  LocalRunDriveResult,
  LocalRunLabels,
  LocalRunReportSection,
} from '../../shared/pipeline/local-run.ts';
import type { StageTotals } from '../esm/pipeline.ts';
import type { HttpApiCounters, StreamStageCounters } from '../esm/pipeline-functions.ts';
import type { LatencySummary } from './latency.ts';
import { requestsLine } from './progress.ts';
import { describeStall, type StallSnapshot } from './wait-until-idle.ts';

/** Everything the main job measured. */
export interface MainJobReport {
  /** Name of the pipeline that ran. */
  readonly pipeline: string;
  /** The pipeline's words for its records and outcomes. */
  readonly labels: LocalRunLabels;
  readonly seed: number;
  /** Raw records the broker acknowledged. */
  readonly generated: number;
  /** Records the broker refused (over its maximum message size); not part of `generated`. */
  readonly refusedByBroker: number;
  /** What the generator meant each record to be (the module's outcome names). */
  readonly expectedByOutcome: Readonly<Record<string, number>>;
  /** Records that went all the way (`labels.landed`), duplicates of a stored id included. */
  readonly stored: number;
  /** Distinct rows holding them (`labels.landedUnits`). */
  readonly storedRows: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly rejectedByStage: Readonly<Record<string, number>>;
  /** Records written to the pipeline's dead-letter topics. */
  readonly dlq: number;
  readonly dlqByReason: Readonly<Record<string, number>>;
  /** Produce acknowledged → stored (`labels.latency`). */
  readonly latency: LatencySummary;
  readonly generationMs: number;
  /** First produce → last row written. */
  readonly endToEndMs: number;
  readonly stageTotals: Readonly<Record<string, StageTotals>>;
  /** Per HTTP API of the pipeline, this run: requests, statuses, the function's latency. @default none declared */
  readonly httpApis?: Readonly<Record<string, HttpApiCounters>>;
  /** Per stream stage of the pipeline, this run: records, batches, on-failure. @default none declared */
  readonly streamStages?: Readonly<Record<string, StreamStageCounters>>;
  /** What the load's HTTP driver did (`LocalRunLoad.drive`); its `entered` records join the accounting. @default no driver */
  readonly drive?: LocalRunDriveResult;
  /** A few stored records, one printable line each, personal data masked by the module. */
  readonly sampleRows: readonly string[];
  /** What the module measured beyond the accounting (`LocalRunStores.quality`), printed after the samples. */
  readonly sections?: readonly LocalRunReportSection[];
  /** The run ended because nothing moved any more, not because everything was processed. */
  readonly stalled: boolean;
  /** Where it stood then (with `stalled`). */
  readonly stall?: StallSnapshot;
  readonly pipelineErrors: number;
  /** The emulator errors survived, counted by message (the most frequent first, at most 5). */
  readonly pipelineErrorsByMessage?: Readonly<Record<string, number>>;
  /** Highest resident memory of each stage worker, MB (when the stages ran in workers). */
  readonly workerPeakRssMb?: Readonly<Record<string, number>>;
  /**
   * Workers started again per stage after one died, since the stage workers started (the backlog
   * drain included); their in-flight batches were delivered again from the committed offsets.
   * @default absent when the stages ran in this process
   */
  readonly workerRestarts?: Readonly<Record<string, number>>;
  /** CPU seconds per process (stage workers, this process, the stack's JVMs) from first produce to idle. */
  readonly cpuSeconds: Readonly<Record<string, number>>;
  /** Cores of this machine. */
  readonly cores: number;
}

/**
 * CPU microseconds per record put into the pipeline (generated, plus entered by HTTP) over every
 * metered process, and the throughput this machine's cores would allow at that cost if the
 * pipeline used all of them.
 */
export function cpuCostPerRecord(r: MainJobReport): {
  microsPerRecord: number;
  coreCeilingPerSecond: number;
} {
  const total = Object.values(r.cpuSeconds).reduce((a, b) => a + b, 0);
  const records = recordsIn(r);
  const microsPerRecord = records > 0 ? (total * 1e6) / records : 0;
  return {
    microsPerRecord: Math.round(microsPerRecord),
    coreCeilingPerSecond: microsPerRecord > 0 ? Math.round((r.cores * 1e6) / microsPerRecord) : 0,
  };
}

function cpuLines(r: MainJobReport): string[] {
  const entries = Object.entries(r.cpuSeconds).filter(([, s]) => s > 0);
  if (entries.length === 0) return [];
  const { microsPerRecord, coreCeilingPerSecond } = cpuCostPerRecord(r);
  return [
    `CPU seconds from first produce to idle: ${entries.map(([name, s]) => `${name} ${s.toFixed(1)}`).join(', ')}`,
    `  = ${n(microsPerRecord)} µs of CPU per ${r.labels.record} → ${r.cores} cores fully used ≈ ${n(coreCeilingPerSecond)} ${r.labels.record}/s on this machine`,
  ];
}

/** Records the run put into the pipeline: generated on Kafka, plus those the HTTP driver's requests entered. */
export function recordsIn(r: MainJobReport): number {
  return r.generated + (r.drive?.entered ?? 0);
}

/** True when every record put into the pipeline is accounted for exactly once. */
export function accountingHolds(r: MainJobReport): boolean {
  return r.stored + r.rejected + r.dlq === recordsIn(r);
}

/** The HTTP API and stream stage lines (none for a pipeline without them). */
function functionLines(r: MainJobReport): string[] {
  const apis = Object.entries(r.httpApis ?? {});
  const streams = Object.entries(r.streamStages ?? {});
  return [
    ...(apis.length > 0
      ? [
          "HTTP APIs (requests by status; latency from arrival to the function's answer):",
          ...apis.map(
            ([name, a]) =>
              `  ${name.padEnd(14)} ${requestsLine(a)}   P50 ${ms(a.latencyMs.p50)}   P99 ${ms(a.latencyMs.p99)}`,
          ),
        ]
      : []),
    ...(streams.length > 0
      ? [
          'stream stages (records in / succeeded / on-failure, batches):',
          ...streams.map(
            ([name, c]) =>
              `  ${name.padEnd(14)} ${n(c.records).padStart(9)} ${n(c.succeeded).padStart(9)} ${n(c.onFailure).padStart(6)}   ` +
              `${n(c.batches).padStart(6)} batches${c.onFailureRecords ? `  (${n(c.onFailureRecords)} on-failure record(s))` : ''}`,
          ),
        ]
      : []),
  ];
}

function driveLine(r: MainJobReport, outcome: (name: string) => string): string[] {
  if (!r.drive) return [];
  const outcomes = Object.entries(r.drive.byOutcome ?? {})
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  return [
    `${outcome('entered by HTTP')}${n(r.drive.entered).padStart(9)}   (${n(r.drive.sent)} requests sent${outcomes ? `: ${outcomes}` : ''})`,
  ];
}

/** How many stage workers died and were started again (none for a run in one process). */
function workerRestartsLines(r: MainJobReport): string[] {
  if (!r.workerRestarts) return [];
  const restarted = Object.entries(r.workerRestarts).filter(([, count]) => count > 0);
  return [
    restarted.length === 0
      ? 'stage worker restarts: 0'
      : `stage worker restarts: ${restarted.map(([stage, count]) => `${stage} ${n(count)}`).join(', ')} ` +
        '(a new worker took over; its in-flight batches were delivered again from the committed offsets)',
  ];
}

const n = (v: number) => v.toLocaleString('en-US');
const ms = (v: number) => (Number.isNaN(v) ? '-' : `${n(Math.round(v))} ms`);

function counts(title: string, values: Readonly<Record<string, number>>): string[] {
  const rows = Object.entries(values).sort((a, b) => b[1] - a[1]);
  return rows.length === 0
    ? []
    : [`  ${title}`, ...rows.map(([k, v]) => `    ${k.padEnd(30)} ${n(v).padStart(9)}`)];
}

/** Renders the report as text (the sample lines come masked from the pipeline's module). */
export function formatMainJobReport(r: MainJobReport): string {
  const { labels } = r;
  const seconds = Math.max(r.endToEndMs, 1) / 1000;
  const outcome = (name: string) => `  ${name.padEnd(18)}`;
  const accounted = r.stored + r.rejected + r.dlq;
  const lines = [
    '',
    '================ ORION local run report ================',
    `generated           ${n(r.generated).padStart(9)}   (seed ${r.seed}${r.refusedByBroker ? `, ${r.refusedByBroker} refused by the broker as too large` : ''})`,
    ...driveLine(r, outcome),
    `${outcome(labels.landed)}${n(r.stored).padStart(9)}   (${n(r.storedRows)} ${labels.landedUnits})`,
    `${outcome('rejected')}${n(r.rejected).padStart(9)}`,
    ...counts('rejected by reason', r.rejectedByReason),
    ...counts('rejected by stage', r.rejectedByStage),
    `${outcome('dlq')}${n(r.dlq).padStart(9)}`,
    ...counts('dlq by reason', r.dlqByReason),
    '',
    `end-to-end latency (${labels.latency}), ${n(r.latency.count)} ${labels.record}s:`,
    `  P50 ${ms(r.latency.p50)}   P95 ${ms(r.latency.p95)}   P99 ${ms(r.latency.p99)}   max ${ms(r.latency.max)}`,
    `throughput: generated in ${(r.generationMs / 1000).toFixed(1)} s (${n(Math.round((r.generated * 1000) / Math.max(r.generationMs, 1)))}/s); ` +
      `all ${labels.landed} in ${seconds.toFixed(1)} s → sustained ${n(Math.round(recordsIn(r) / seconds))} ${labels.record}/s end to end`,
    '',
    'stages (records in / succeeded / on-failure, invocations, mean invocation ms):',
    ...Object.entries(r.stageTotals).map(
      ([stage, t]) =>
        `  ${stage.padEnd(14)} ${n(t.recordsIn).padStart(9)} ${n(t.recordsSucceeded).padStart(9)} ${n(t.recordsOnFailure).padStart(6)}   ` +
        `${n(t.invocations).padStart(6)} inv  ${(t.invocations ? t.invocationMs / t.invocations : 0).toFixed(1)} ms`,
    ),
    ...functionLines(r),
    ...cpuLines(r),
    ...(r.workerPeakRssMb
      ? [
          `stage workers, peak resident memory: ${Object.entries(r.workerPeakRssMb)
            .map(([stage, mb]) => `${stage} ${mb} MB`)
            .join(', ')}`,
        ]
      : []),
    ...workerRestartsLines(r),
    '',
    `${labels.samples}:`,
    ...r.sampleRows.map((row) => `  ${row}`),
    '',
    ...(r.sections ?? []).flatMap((section) => [
      `${section.title}:`,
      ...section.lines.map((line) => `  ${line}`),
      '',
    ]),
    `accounting: ${labels.landed} ${n(r.stored)} + rejected ${n(r.rejected)} + dlq ${n(r.dlq)} = ${n(accounted)} ` +
      `${accountingHolds(r) ? '==' : '!='} generated ${n(r.generated)}${r.drive ? ` + entered ${n(r.drive.entered)}` : ''}` +
      `  → ${accountingHolds(r) ? 'OK' : 'MISMATCH'}`,
  ];
  if (r.stalled)
    lines.push(
      `the run stopped because nothing moved any more${r.stall ? `: ${describeStall(r.stall)}` : ''} (see \`npx orion lag\`)`,
    );
  if (r.pipelineErrors) {
    lines.push(`${r.pipelineErrors} emulator error(s) were survived during the run`);
    for (const [message, count] of Object.entries(r.pipelineErrorsByMessage ?? {}))
      lines.push(`  ${count} × ${message}`);
  }
  const restarts = Object.values(r.workerRestarts ?? {}).reduce((a, b) => a + b, 0);
  if (restarts > 0 && accounted > recordsIn(r)) {
    // Rejects and dead letters are counted as records on their topics, not as distinct records.
    lines.push(
      'a batch in flight at a worker restart is delivered again: its rejects and dead letters can be written twice, so those counts can exceed the distinct records',
    );
  }
  return lines.join('\n');
}

/** How many distinct messages {@link countByMessage} keeps. */
const ERROR_MESSAGES_KEPT = 5;

/**
 * Errors counted by their message's first line (cut at 200 characters), the most frequent first,
 * at most {@link ERROR_MESSAGES_KEPT}.
 * @example countByMessage([new Error('x'), new Error('x')]) // { x: 2 }
 */
export function countByMessage(errors: readonly unknown[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const error of errors) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, ERROR_MESSAGES_KEPT));
}
