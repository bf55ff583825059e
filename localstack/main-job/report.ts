/** The main job's final report: outcome counts, latency, throughput, sample rows, accounting. */
import type cassandra from 'cassandra-driver';
import { maskImsi, maskMsisdn } from '../../shared/cdr/mask.ts';
import type { StageTotals } from '../esm/pipeline.ts';
import type { LatencySummary } from './latency.ts';

/** Everything the main job measured. */
export interface MainJobReport {
  readonly seed: number;
  /** Raw records the broker acknowledged. */
  readonly generated: number;
  /** Records the broker refused (over its maximum message size); not part of `generated`. */
  readonly refusedByBroker: number;
  /** What the generator meant each record to be (`valid` or the reason validation must give). */
  readonly expectedByOutcome: Readonly<Record<string, number>>;
  /** Records stored (a row in `cdr_by_id`). */
  readonly stored: number;
  readonly storedRows: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  readonly rejectedByStage: Readonly<Record<string, number>>;
  readonly dlq: number;
  readonly dlqByReason: Readonly<Record<string, number>>;
  /** Raw produce acknowledged → row written. */
  readonly latency: LatencySummary;
  readonly generationMs: number;
  /** First produce → last row written. */
  readonly endToEndMs: number;
  readonly stageTotals: Readonly<Record<string, StageTotals>>;
  readonly sampleRows: readonly cassandra.types.Row[];
  /** The run ended because nothing moved any more, not because everything was processed. */
  readonly stalled: boolean;
  readonly pipelineErrors: number;
  /** Highest resident memory of each stage worker, MB (when the stages ran in workers). */
  readonly workerPeakRssMb?: Readonly<Record<string, number>>;
  /** CPU seconds per process (stage workers, this process, the stack's JVMs) from first produce to idle. */
  readonly cpuSeconds: Readonly<Record<string, number>>;
  /** Cores of this machine. */
  readonly cores: number;
}

/**
 * CPU microseconds per generated record over every metered process, and the throughput this
 * machine's cores would allow at that cost if the pipeline used all of them.
 */
export function cpuCostPerRecord(r: MainJobReport): {
  microsPerRecord: number;
  coreCeilingPerSecond: number;
} {
  const total = Object.values(r.cpuSeconds).reduce((a, b) => a + b, 0);
  const microsPerRecord = r.generated > 0 ? (total * 1e6) / r.generated : 0;
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
    `  = ${n(microsPerRecord)} µs of CPU per CDR → ${r.cores} cores fully used ≈ ${n(coreCeilingPerSecond)} CDR/s on this machine`,
  ];
}

/** True when every generated record is accounted for exactly once. */
export function accountingHolds(r: MainJobReport): boolean {
  return r.stored + r.rejected + r.dlq === r.generated;
}

const n = (v: number) => v.toLocaleString('en-US');
const ms = (v: number) => (Number.isNaN(v) ? '-' : `${n(Math.round(v))} ms`);

function counts(title: string, values: Readonly<Record<string, number>>): string[] {
  const rows = Object.entries(values).sort((a, b) => b[1] - a[1]);
  return rows.length === 0
    ? []
    : [`  ${title}`, ...rows.map(([k, v]) => `    ${k.padEnd(30)} ${n(v).padStart(9)}`)];
}

/** Renders the report as text (IMSI/MSISDN of the sample rows masked). */
export function formatMainJobReport(r: MainJobReport): string {
  const seconds = Math.max(r.endToEndMs, 1) / 1000;
  const lines = [
    '',
    '================ ORION local run report ================',
    `generated           ${n(r.generated).padStart(9)}   (seed ${r.seed}${r.refusedByBroker ? `, ${r.refusedByBroker} refused by the broker as too large` : ''})`,
    `  stored            ${n(r.stored).padStart(9)}   (${n(r.storedRows)} rows in cdr_by_id)`,
    `  rejected          ${n(r.rejected).padStart(9)}`,
    ...counts('rejected by reason', r.rejectedByReason),
    ...counts('rejected by stage', r.rejectedByStage),
    `  dlq               ${n(r.dlq).padStart(9)}`,
    ...counts('dlq by reason', r.dlqByReason),
    '',
    `end-to-end latency (raw produce → stored), ${n(r.latency.count)} CDRs:`,
    `  P50 ${ms(r.latency.p50)}   P95 ${ms(r.latency.p95)}   P99 ${ms(r.latency.p99)}   max ${ms(r.latency.max)}`,
    `throughput: generated in ${(r.generationMs / 1000).toFixed(1)} s (${n(Math.round((r.generated * 1000) / Math.max(r.generationMs, 1)))}/s); ` +
      `all stored in ${seconds.toFixed(1)} s → sustained ${n(Math.round(r.generated / seconds))} CDR/s end to end`,
    '',
    'stages (records in / succeeded / on-failure, invocations, mean invocation ms):',
    ...Object.entries(r.stageTotals).map(
      ([stage, t]) =>
        `  ${stage.padEnd(14)} ${n(t.recordsIn).padStart(9)} ${n(t.recordsSucceeded).padStart(9)} ${n(t.recordsOnFailure).padStart(6)}   ` +
        `${n(t.invocations).padStart(6)} inv  ${(t.invocations ? t.invocationMs / t.invocations : 0).toFixed(1)} ms`,
    ),
    ...cpuLines(r),
    ...(r.workerPeakRssMb
      ? [
          `stage workers, peak resident memory: ${Object.entries(r.workerPeakRssMb)
            .map(([stage, mb]) => `${stage} ${mb} MB`)
            .join(', ')}`,
        ]
      : []),
    '',
    'sample stored rows (cdr_by_id, IMSI/MSISDN masked):',
    ...r.sampleRows.map((row) => {
      const fraud = (row.get('fraud_reasons') as string[] | null) ?? [];
      return (
        `  ${row.get('cdr_id')}  ${row.get('country')} ${row.get('record_type')}/${row.get('direction')}` +
        `${row.get('roaming') ? ' roaming' : ''}  imsi ${maskImsi(String(row.get('imsi')))}  msisdn ${maskMsisdn(String(row.get('msisdn')))}  ` +
        `start ${(row.get('start_time') as Date).toISOString()}  ${row.get('duration_s')} s  ${row.get('volume_bytes')} B  ` +
        `${row.get('charge_minor_units')} ${row.get('currency')} (minor units)  ${row.get('technology')}/${row.get('region')}  ` +
        `segment ${row.get('segment')}  fraud ${row.get('fraud_score')}${fraud.length ? ` [${fraud.join(', ')}]` : ''}`
      );
    }),
    '',
    `accounting: stored ${n(r.stored)} + rejected ${n(r.rejected)} + dlq ${n(r.dlq)} = ${n(r.stored + r.rejected + r.dlq)} ` +
      `${accountingHolds(r) ? '==' : '!='} generated ${n(r.generated)}  → ${accountingHolds(r) ? 'OK' : 'MISMATCH'}`,
  ];
  if (r.stalled) lines.push('the run stopped because nothing moved any more (see `npx orion lag`)');
  if (r.pipelineErrors) lines.push(`${r.pipelineErrors} emulator error(s) were survived during the run`);
  return lines.join('\n');
}
