/**
 * `orion generate`: produces a pipeline's generated load (its local-run module's records,
 * deterministic from a seed) to its topics, as `npm start` does, without running the stages.
 * Options the module declares (see `localRun.options`) are forwarded to it.
 */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { generateToKafka } from '../../localstack/load/generate-to-kafka.ts';
import { loadLocalRunModule } from '../../localstack/load/local-run-module.ts';
import type { LocalRunModule } from '../../shared/pipeline/local-run.ts';
import { localRunOptionValues, withLocalRunOptions } from './local-run-options.ts';
import { type PipelineCommandOptions, pipelineOf, withPipelineOption } from './pipeline-option.ts';

/** Options of `orion generate` besides the module's own. */
interface GenerateCommandOptions extends PipelineCommandOptions {
  count: number;
  rate: number;
  speed: number;
  invalidRatio: number;
  seed: number;
}

/**
 * Registers `orion generate`, with the options of `localRun` (the module of the pipeline the
 * command line names, see `local-run-options.ts`).
 */
export function registerGenerateCommand(program: Command, localRun?: LocalRunModule): void {
  const num = (v: string) => Number(v);
  const command = withPipelineOption(program.command('generate'))
    .description("Produce a pipeline's generated load (deterministic from a seed) to its topics")
    .option('--count <n>', 'records to produce', num, 10_000)
    .option('--rate <n>', 'records per second (0: as fast as possible)', num, 5000)
    .option('--speed <x>', 'rate multiplier (1, 10, 100 …)', num, 1)
    .option('--invalid-ratio <r>', 'share of invalid records (0–1)', num, 0.05)
    .option('--seed <n>', 'generator seed', num, 42);
  withLocalRunOptions(command, localRun).action(async (opts: GenerateCommandOptions) => {
    for (const [name, v] of Object.entries({
      count: opts.count,
      rate: opts.rate,
      speed: opts.speed,
      seed: opts.seed,
    })) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
    }
    const module = await loadLocalRunModule(pipelineOf(opts));
    const count = Math.floor(opts.count);
    const load = module.createLoad({
      count,
      rate: opts.rate * opts.speed,
      invalidRatio: opts.invalidRatio,
      seed: Math.floor(opts.seed),
      // Speed 0 means no rate at all (full speed): the load's clock runs at its own default.
      ...(opts.speed > 0 ? { speed: opts.speed } : {}),
      options: localRunOptionValues(module, opts as unknown as Record<string, unknown>),
    });
    const brokers = localEndpoints().kafkaBrokers;
    let lastPrint = 0;
    const report = await generateToKafka({
      brokers,
      load,
      count,
      rate: opts.rate,
      speed: opts.speed,
      onProgress: (r) => {
        if (Date.now() - lastPrint < 2000) return;
        lastPrint = Date.now();
        console.log(
          `produced ${r.produced} (${((r.produced / Math.max(r.durationMs, 1)) * 1000).toFixed(0)} rec/s)`,
        );
      },
    });
    const rate = (report.produced / Math.max(report.durationMs, 1)) * 1000;
    console.log(
      `produced ${report.produced} record(s) in ${(report.durationMs / 1000).toFixed(1)} s (${rate.toFixed(0)} rec/s)` +
        `${report.refusedByBroker ? `; ${report.refusedByBroker} refused by the broker (too large)` : ''}`,
    );
    console.log(
      `per topic: ${Object.entries(report.perTopic)
        .map(([t, n]) => `${t}=${n}`)
        .join(' ')}`,
    );
    console.log(
      `expected:  ${Object.entries(report.expected)
        .sort()
        .map(([k, n]) => `${k}=${n}`)
        .join(' ')}`,
    );
  });
}
