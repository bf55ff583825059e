/**
 * `orion run`: runs a pipeline's stages (`--pipeline`, default the default pipeline) locally on
 * the ESM emulator until SIGINT/SIGTERM, then finishes the in-flight batches, commits and
 * disconnects.
 */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { type RunningPipeline, type StageTotals, startPipeline } from '../../localstack/esm/pipeline.ts';
import { startStageWorkers } from '../../localstack/esm/stage-workers.ts';
import { stageOf } from '../../shared/pipeline/definition.ts';
import type { PipelineDefinition, StageSpec } from '../../shared/pipeline/types.ts';
import { type PipelineCommandOptions, pipelineOf, withPipelineOption } from './pipeline-option.ts';

/** Options of `orion run`. */
interface RunOptions extends PipelineCommandOptions {
  stages?: string;
  bundled?: boolean;
  concurrency?: number;
  stagePollers?: string;
  invocations?: number;
  singleProcess?: boolean;
  progressEvery: number;
}

/** One progress line per stage. */
export function formatProgress(totals: Record<string, StageTotals>, elapsedS: number): string {
  return Object.entries(totals)
    .map(
      ([stage, t]) =>
        `${stage.padEnd(14)} in ${String(t.recordsIn).padStart(9)}  ok ${String(t.recordsSucceeded).padStart(9)}  ` +
        `on-failure ${String(t.recordsOnFailure).padStart(6)}  pending ${String(t.recordsPending).padStart(7)}  ` +
        `${(t.recordsSucceeded / Math.max(elapsedS, 1e-3)).toFixed(0).padStart(7)} rec/s  ` +
        `invocations ${t.invocations} (errors ${t.functionErrors}, partial ${t.partialFailures}, retries ${t.retries})`,
    )
    .join('\n');
}

/**
 * Parses `--stages a,b` against the pipeline definition (throws on an unknown stage); all of the
 * pipeline's stages when unset.
 * @example parseStages(pipeline, 'validation, storage').map((s) => s.name) // ['validation', 'storage']
 */
export function parseStages(pipeline: PipelineDefinition, value: string | undefined): readonly StageSpec[] {
  if (!value) return pipeline.stages;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => stageOf(pipeline, name));
}

/**
 * Parses `<stage>=<n>,…` (stages checked against the pipeline definition).
 * @example parseStagePollers(pipeline, 'storage=8,enrichment=4') // { storage: 8, enrichment: 4 }
 */
export function parseStagePollers(pipeline: PipelineDefinition, value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of value.split(',').filter(Boolean)) {
    const [name, n] = part.split('=');
    const pollers = Number(n);
    if (!name || !Number.isInteger(pollers) || pollers < 1)
      throw new Error(`--stage-pollers: "${part}" is not <stage>=<n>`);
    out[stageOf(pipeline, name.trim()).name] = pollers;
  }
  return out;
}

/** Prints errors the pipeline survives (refused commits …), at most one line per 10 s. */
function rateLimitedErrorLog(): (error: unknown) => void {
  let last = 0;
  let suppressed = 0;
  return (error) => {
    if (Date.now() - last < 10_000) {
      suppressed++;
      return;
    }
    last = Date.now();
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(`orion run: ${message}${suppressed ? ` (+${suppressed} more)` : ''}`);
    suppressed = 0;
  };
}

/** Registers `orion run`. */
export function registerRunCommand(program: Command): void {
  withPipelineOption(program.command('run'))
    .description('Run the pipeline stages on the local event source mapping emulator until Ctrl-C')
    .option('--stages <list>', "comma-separated stages (default: all of the pipeline's stages)")
    .option(
      '--bundled',
      'invoke the esbuild bundles in dist/functions (npm run build) instead of the sources',
    )
    .option(
      '--concurrency <n>',
      'pollers per mapping (consumers in its group), within its MaximumPollers',
      (v) => Number.parseInt(v, 10),
    )
    .option('--stage-pollers <list>', 'pollers per stage, <stage>=<n>,… (overrides --concurrency)')
    .option('--invocations <n>', 'batches in flight per poller, 1–5 (AWS: up to 5)', (v) =>
      Number.parseInt(v, 10),
    )
    .option('--single-process', 'run every stage in this process instead of one worker process per stage')
    .option('--progress-every <s>', 'seconds between progress lines (0: none)', (v) => Number(v), 5)
    .action(async (opts: RunOptions) => {
      const pipeline = pipelineOf(opts);
      const stages = parseStages(pipeline, opts.stages);
      const brokers = localEndpoints().kafkaBrokers;
      const started = Date.now();
      const options = {
        pipeline,
        brokers,
        bundled: opts.bundled ?? false,
        ...(opts.concurrency !== undefined ? { pollers: opts.concurrency } : {}),
        ...(opts.stagePollers ? { stagePollers: parseStagePollers(pipeline, opts.stagePollers) } : {}),
        ...(opts.invocations !== undefined ? { invocationsPerPoller: opts.invocations } : {}),
        onError: rateLimitedErrorLog(),
      };
      // One worker process per stage by default, as the main job runs them.
      const running: RunningPipeline = opts.singleProcess
        ? await startPipeline({ ...options, stages })
        : await startStageWorkers({ ...options, stages: stages.map((s) => s.name) });
      console.log(
        `orion run: ${running.counters().length} mapping(s) of ${pipeline.name}: ${stages.map((s) => s.name).join(', ')} on ${brokers.join(',')}` +
          `${opts.bundled ? ' (bundled)' : ''}${opts.singleProcess ? '' : ', one worker process per stage'}. Ctrl-C to stop.`,
      );
      const timer =
        opts.progressEvery > 0
          ? setInterval(
              () => console.log(formatProgress(running.stageTotals(), (Date.now() - started) / 1000)),
              opts.progressEvery * 1000,
            )
          : undefined;
      await new Promise<void>((resolve) => {
        const onSignal = (signal: string) => {
          console.log(`\n${signal}: finishing in-flight batches, committing, disconnecting…`);
          resolve();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      clearInterval(timer);
      await running.stop();
      console.log(formatProgress(running.stageTotals(), (Date.now() - started) / 1000));
      console.log('stopped.');
      // The handlers keep their Kafka clients for the life of the execution environment, as on Lambda.
      process.exit(process.exitCode ?? 0);
    });
}
