/**
 * `orion start` (what `npm start` runs): the main job — the whole CDR pipeline on the local stack,
 * with live progress and a final report whose accounting must hold exactly.
 */
import type { Command } from 'commander';
import { MAIN_JOB_DEFAULTS, runMainJob } from '../../localstack/main-job/main-job.ts';
import { accountingHolds, formatMainJobReport } from '../../localstack/main-job/report.ts';
import { parseCountries } from './generate.ts';

interface StartOptions {
  count: number;
  rate: number;
  invalidRatio: number;
  seed?: number;
  countries: string;
  brokers: number;
  bundled?: boolean;
  singleProcess?: boolean;
  json?: string;
}

/** Registers `orion start`. */
export function registerStartCommand(program: Command): void {
  const num = (v: string) => Number(v);
  program
    .command('start')
    .description(
      'Run ORION locally end to end: stack up, topics, schema, reference data, the four stages, a generated load, a report',
    )
    .option('--count <n>', 'CDRs to generate', num, MAIN_JOB_DEFAULTS.count)
    .option('--rate <n>', 'CDRs per second (0: full speed)', num, MAIN_JOB_DEFAULTS.rate)
    .option('--invalid-ratio <r>', 'share of invalid raw CDRs (0–1)', num, MAIN_JOB_DEFAULTS.invalidRatio)
    .option('--seed <n>', 'generator seed (default: a new one each run, printed)', num)
    .option('--countries <list>', 'comma-separated country codes, or "all"', 'all')
    .option('--brokers <n>', 'Kafka brokers (3 gives RF 3 / min ISR 2)', num, MAIN_JOB_DEFAULTS.brokers)
    .option('--bundled', 'invoke the esbuild bundles (run `npm run build` first)')
    .option('--single-process', 'run every stage in this process instead of one worker process per stage')
    .option('--json <file>', 'also write the report as JSON to this file')
    .action(async (opts: StartOptions) => {
      for (const [name, v] of Object.entries({ count: opts.count, rate: opts.rate, brokers: opts.brokers })) {
        if (!Number.isFinite(v) || v < 0)
          throw new Error(`--${name} must be a non-negative number, got ${v}`);
      }
      // A new seed per run: the same seed twice would re-send identical CDRs, which storage
      // (idempotent by cdr_id) would rightly not count as new rows.
      const seed = opts.seed ?? Date.now() % 2_147_483_647;
      const report = await runMainJob({
        ...MAIN_JOB_DEFAULTS,
        count: Math.floor(opts.count),
        rate: opts.rate,
        invalidRatio: opts.invalidRatio,
        seed: Math.floor(seed),
        countries: parseCountries(opts.countries),
        brokers: Math.floor(opts.brokers),
        bundled: opts.bundled ?? false,
        stageWorkers: !opts.singleProcess,
        log: (line) => console.log(line),
      });
      console.log(formatMainJobReport(report));
      if (opts.json) {
        const { writeFileSync } = await import('node:fs');
        const { sampleRows: _rows, ...rest } = report;
        writeFileSync(opts.json, `${JSON.stringify(rest, null, 2)}\n`);
      }
      // The handlers keep their clients per execution environment, as on Lambda: end the process
      // rather than wait for them.
      process.exit(accountingHolds(report) ? 0 : 2);
    });
}
