/**
 * `orion run`: runs a pipeline's stages (`--pipeline`, default the default pipeline) locally on
 * the ESM emulator, and its HTTP APIs and stream stages beside them (`startPipelineFunctions`:
 * one local server per API, its URL printed; one DynamoDB Streams mapping per stream stage; their
 * DynamoDB tables created when missing), until SIGINT/SIGTERM; then closes the APIs, finishes the
 * in-flight batches, commits and disconnects.
 */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { type RunningPipeline, type StageTotals, startPipeline } from '../../localstack/esm/pipeline.ts';
import {
  type PipelineFunctionCounters,
  type RunningPipelineFunctions,
  startPipelineFunctions,
} from '../../localstack/esm/pipeline-functions.ts';
import { type StageWorkersHandle, startStageWorkers } from '../../localstack/esm/stage-workers.ts';
import { requestsLine, restartsPart } from '../../localstack/main-job/progress.ts';
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
  /** `--no-functions` sets it false. */
  functions: boolean;
  httpPorts?: string;
  progressEvery: number;
}

/** One progress line per stage; `restarts N` ends it once a stage's worker was started again N > 0 times. */
export function formatProgress(
  totals: Record<string, StageTotals>,
  elapsedS: number,
  restarts?: Readonly<Record<string, number>>,
): string {
  return Object.entries(totals)
    .map(
      ([stage, t]) =>
        `${stage.padEnd(14)} in ${String(t.recordsIn).padStart(9)}  ok ${String(t.recordsSucceeded).padStart(9)}  ` +
        `on-failure ${String(t.recordsOnFailure).padStart(6)}  pending ${String(t.recordsPending).padStart(7)}  ` +
        `${(t.recordsSucceeded / Math.max(elapsedS, 1e-3)).toFixed(0).padStart(7)} rec/s  ` +
        `invocations ${t.invocations} (errors ${t.functionErrors}, partial ${t.partialFailures}, retries ${t.retries})` +
        restartsPart(restarts, stage),
    )
    .join('\n');
}

/**
 * One progress line per stream stage and per HTTP API (none for a pipeline without them).
 * @example formatFunctionsProgress({ httpApis: {}, streamStages: { publisher: { records: 3, … } } })
 */
export function formatFunctionsProgress(counters: PipelineFunctionCounters | undefined): string[] {
  if (!counters) return [];
  return [
    ...Object.entries(counters.streamStages).map(
      ([name, c]) =>
        `${name.padEnd(14)} in ${String(c.records).padStart(9)}  ok ${String(c.succeeded).padStart(9)}  ` +
        `on-failure ${String(c.onFailure).padStart(6)}  pending ${String(c.pending).padStart(7)}  ` +
        `batches ${c.batches} (errors ${c.functionErrors}, retries ${c.retries})`,
    ),
    ...Object.entries(counters.httpApis).map(
      ([name, a]) =>
        `${name.padEnd(14)} ${requestsLine(a)}  in flight ${a.inFlight}  ` +
        `P50 ${Number.isNaN(a.latencyMs.p50) ? '-' : a.latencyMs.p50.toFixed(1)} ms  P99 ${Number.isNaN(a.latencyMs.p99) ? '-' : a.latencyMs.p99.toFixed(1)} ms`,
    ),
  ];
}

/**
 * Parses `--http-ports <api>=<port>,…` against the pipeline's HTTP APIs (throws on an unknown API
 * or a bad port).
 * @example parseHttpPorts(pipeline, 'items-api=3000') // { 'items-api': 3000 }
 */
export function parseHttpPorts(pipeline: PipelineDefinition, value: string): Record<string, number> {
  const names = new Set((pipeline.httpApis ?? []).map((a) => a.name));
  const out: Record<string, number> = {};
  for (const part of value.split(',').filter(Boolean)) {
    const [name, n] = part.split('=').map((v) => v.trim());
    const port = Number(n);
    if (!name || !Number.isInteger(port) || port < 0 || port > 65_535)
      throw new Error(`--http-ports: "${part}" is not <api>=<port>`);
    if (!names.has(name))
      throw new Error(
        `--http-ports: pipeline "${pipeline.name}" has no HTTP API "${name}"; APIs are: ${[...names].join(', ') || 'none'}`,
      );
    out[name] = port;
  }
  return out;
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
    .description(
      'Run the pipeline stages on the local event source mapping emulator, and its HTTP APIs and stream stages, until Ctrl-C',
    )
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
    .option('--no-functions', "don't start the pipeline's HTTP APIs and stream stages")
    .option(
      '--http-ports <list>',
      'port per HTTP API, <api>=<port>,… (default: ORION_HTTP_PORT_<API>, else any free port)',
    )
    .option('--progress-every <s>', 'seconds between progress lines (0: none)', (v) => Number(v), 5)
    .action(async (opts: RunOptions) => {
      const pipeline = pipelineOf(opts);
      const stages = parseStages(pipeline, opts.stages);
      const apiPorts = opts.httpPorts ? parseHttpPorts(pipeline, opts.httpPorts) : undefined;
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
      // A worker that dies is started again (its in-flight batches redelivered), as Lambda does.
      const workers: StageWorkersHandle | undefined = opts.singleProcess
        ? undefined
        : await startStageWorkers({ ...options, stages: stages.map((s) => s.name) });
      const running: RunningPipeline = workers ?? (await startPipeline({ ...options, stages }));
      // After the fork of the stage workers: the functions' variables go into this process's env.
      let functions: RunningPipelineFunctions | undefined;
      const hasFunctions = (pipeline.httpApis?.length ?? 0) + (pipeline.streamStages?.length ?? 0) > 0;
      if (opts.functions && hasFunctions) {
        try {
          functions = await startPipelineFunctions({
            pipeline,
            brokers,
            bundled: options.bundled,
            ...(apiPorts ? { apiPorts } : {}),
            log: (line) => console.warn(`orion run: ${line}`),
            onError: options.onError,
          });
        } catch (error) {
          await running.stop();
          throw error;
        }
      }
      console.log(
        `orion run: ${running.counters().length} mapping(s) of ${pipeline.name}: ${stages.map((s) => s.name).join(', ')} on ${brokers.join(',')}` +
          `${opts.bundled ? ' (bundled)' : ''}${opts.singleProcess ? '' : ', one worker process per stage'}. Ctrl-C to stop.`,
      );
      for (const api of functions ? (pipeline.httpApis ?? []) : []) {
        console.log(
          `orion run: HTTP API ${api.name} on ${functions?.urls[api.name]} (${api.routes.map((r) => `${r.method} ${r.path}`).join(', ')})`,
        );
      }
      for (const stage of functions ? (pipeline.streamStages ?? []) : []) {
        console.log(
          `orion run: stream stage ${stage.name} on the stream of ${stage.source.store}/${stage.source.table} → ${stage.outputTopics.join(', ') || '(no topic)'}`,
        );
      }
      const progress = () =>
        [
          formatProgress(running.stageTotals(), (Date.now() - started) / 1000, workers?.restarts()),
          ...formatFunctionsProgress(functions?.counters()),
        ].join('\n');
      const timer =
        opts.progressEvery > 0
          ? setInterval(() => console.log(progress()), opts.progressEvery * 1000)
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
      // The APIs close (no new write) while the stream mappings and the Kafka stages finish their batches.
      await Promise.all([functions?.stop(), running.stop()]);
      console.log(progress());
      console.log('stopped.');
      // The handlers keep their Kafka clients for the life of the execution environment, as on Lambda.
      process.exit(process.exitCode ?? 0);
    });
}
