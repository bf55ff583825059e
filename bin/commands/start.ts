/**
 * `orion start` (what `npm start` runs): the main job — a whole pipeline (`--pipeline`, default
 * the default pipeline) on the local stack, with live progress and a final report whose
 * accounting must hold exactly; a pipeline's HTTP APIs and stream stages run beside its stages
 * (`--http-ports` sets the APIs' ports). Options the pipeline's local-run module declares are
 * forwarded to it.
 */
import type { Command } from 'commander';
import { loadLocalRunModule } from '../../localstack/load/local-run-module.ts';
import { MAIN_JOB_DEFAULTS, runMainJob } from '../../localstack/main-job/main-job.ts';
import { accountingHolds, formatMainJobReport } from '../../localstack/main-job/report.ts';
import type { LocalRunModule } from '../../shared/pipeline/local-run.ts';
import { localRunOptionValues, withLocalRunOptions } from './local-run-options.ts';
import { type PipelineCommandOptions, pipelineOf, withPipelineOption } from './pipeline-option.ts';
import { parseHttpPorts } from './run.ts';

interface StartOptions extends PipelineCommandOptions {
  count: number;
  rate: number;
  invalidRatio: number;
  seed?: number;
  brokers: number;
  bundled?: boolean;
  singleProcess?: boolean;
  httpPorts?: string;
  json?: string;
}

/**
 * Registers `orion start`, with the options of `localRun` (the module of the pipeline the command
 * line names, see `local-run-options.ts`).
 */
export function registerStartCommand(program: Command, localRun?: LocalRunModule): void {
  const num = (v: string) => Number(v);
  const command = withPipelineOption(program.command('start'))
    .description(
      'Run a pipeline locally end to end: stack up, topics, its stores, its stages, a generated load, a report',
    )
    .option('--count <n>', 'records to generate', num, MAIN_JOB_DEFAULTS.count)
    .option('--rate <n>', 'records per second (0: full speed)', num, MAIN_JOB_DEFAULTS.rate)
    .option('--invalid-ratio <r>', 'share of invalid records (0–1)', num, MAIN_JOB_DEFAULTS.invalidRatio)
    .option('--seed <n>', 'generator seed (default: a new one each run, printed)', num);
  withLocalRunOptions(command, localRun)
    .option('--brokers <n>', 'Kafka brokers (3 gives RF 3 / min ISR 2)', num, MAIN_JOB_DEFAULTS.brokers)
    .option('--bundled', 'invoke the esbuild bundles (run `npm run build` first)')
    .option('--single-process', 'run every stage in this process instead of one worker process per stage')
    .option(
      '--http-ports <list>',
      'port per HTTP API of the pipeline, <api>=<port>,… (default: ORION_HTTP_PORT_<API>, else any free port)',
    )
    .option('--json <file>', 'also write the report as JSON to this file')
    .action(async (opts: StartOptions) => {
      for (const [name, v] of Object.entries({ count: opts.count, rate: opts.rate, brokers: opts.brokers })) {
        if (!Number.isFinite(v) || v < 0)
          throw new Error(`--${name} must be a non-negative number, got ${v}`);
      }
      const pipeline = pipelineOf(opts);
      const apiPorts = opts.httpPorts ? parseHttpPorts(pipeline, opts.httpPorts) : undefined;
      const module = await loadLocalRunModule(pipeline);
      // A new seed per run: the same seed twice would re-send identical records, which an
      // idempotent store would rightly not count as new rows.
      const seed = opts.seed ?? Date.now() % 2_147_483_647;
      const report = await runMainJob({
        ...MAIN_JOB_DEFAULTS,
        pipeline,
        count: Math.floor(opts.count),
        rate: opts.rate,
        invalidRatio: opts.invalidRatio,
        seed: Math.floor(seed),
        loadOptions: localRunOptionValues(module, opts as unknown as Record<string, unknown>),
        brokers: Math.floor(opts.brokers),
        bundled: opts.bundled ?? false,
        stageWorkers: !opts.singleProcess,
        ...(apiPorts ? { apiPorts } : {}),
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
