/**
 * The local pipeline with one worker process per stage, as in AWS where every stage is its own
 * function: each worker runs its stage's event source mappings (`stage-worker-main.ts`) with its
 * own event loop, heap and Kafka connections, so stages use both cores of the machine, a busy
 * stage does not delay the others' timers, and each worker's memory is measured on its own.
 * Counters reach the parent over IPC every 200 ms and a last time when the worker stops.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stageOf } from '../../shared/pipeline/definition.ts';
import type { StageName } from '../../shared/pipeline/types.ts';
import { REPO_ROOT } from './handler-loader.ts';
import { type PipelineOptions, type RunningPipeline, sumPerStage } from './pipeline.ts';
import { type PipelineModule, pipelineReferenceOf } from './pipeline-reference.ts';
import type { FromStageWorker, StageWorkerSnapshot, ToStageWorker } from './stage-worker-protocol.ts';
import type { MappingCounters } from './types.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./stage-worker-main.ts', import.meta.url));

/**
 * Default V8 old-space limit per worker, MB. As a Lambda function's memory size bounds its
 * runtime, this bounds each worker: V8 otherwise grows a busy worker's heap lazily towards a
 * quarter of the machine's memory (540 MB RSS measured at full speed over 1,000,000 records), while
 * the live set of a worker stays well under 100 MB.
 */
export const DEFAULT_WORKER_HEAP_MB = 160;

/** How long a worker may take to finish its in-flight batches and commit when stopped. */
const STOP_TIMEOUT_MS = 120_000;

/** Options of {@link startStageWorkers}: those of `startPipeline` that can cross a process boundary. */
export type StageWorkersOptions = Omit<PipelineOptions, 'handlers' | 'stages'> & {
  readonly stages?: readonly StageName[];
  /**
   * The module the workers import `pipeline` from; needed only for a pipeline that is not in
   * `shared/pipelines.ts` (a test fixture). @default the registry, by `pipeline.name`
   */
  readonly pipelineModule?: PipelineModule;
  /** V8 old-space limit of each worker, MB (default {@link DEFAULT_WORKER_HEAP_MB}). */
  readonly workerHeapMb?: number;
};

/** A pipeline running in stage workers. */
export interface StageWorkersHandle extends RunningPipeline {
  /** Highest resident set size seen per stage worker, MB. */
  peakRssMb(): Record<string, number>;
  /** CPU time of each stage worker since it started (as of its last report), microseconds. */
  cpuMicros(): Record<string, number>;
}

class StageWorker {
  snapshot: StageWorkerSnapshot = { counters: [], rssBytes: 0, cpuMicros: 0, survivedErrors: 0 };
  peakRssBytes = 0;
  readonly exited: Promise<number | null>;
  readonly started: Promise<void>;
  private readonly stopped: Promise<void>;
  /** Set once the parent asked the worker to end: its exit is then expected. */
  private stopRequested = false;

  constructor(
    readonly stage: StageName,
    private readonly child: ChildProcess,
    onError: (error: unknown) => void,
  ) {
    let resolveStarted!: () => void;
    let rejectStarted!: (error: Error) => void;
    let resolveStopped!: () => void;
    this.started = new Promise((resolve, reject) => {
      resolveStarted = resolve;
      rejectStarted = reject;
    });
    this.stopped = new Promise((resolve) => {
      resolveStopped = resolve;
    });
    let running = false;
    child.on('message', (message: FromStageWorker) => {
      switch (message.type) {
        case 'started':
        case 'counters':
        case 'stopped':
          this.snapshot = message;
          this.peakRssBytes = Math.max(this.peakRssBytes, message.rssBytes);
          if (message.type === 'started') {
            running = true;
            resolveStarted();
          }
          if (message.type === 'stopped') resolveStopped();
          break;
        case 'failed':
          rejectStarted(new Error(`${stage} worker could not start: ${message.message}`));
          break;
        case 'error':
          onError(new Error(`${stage} worker: ${message.message}`));
          break;
      }
    });
    child.on('error', (error) => onError(new Error(`${stage} worker: ${error.message}`)));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolveStopped();
        rejectStarted(new Error(`${stage} worker exited (code ${code}, signal ${signal}) before it started`));
        if (running && !this.stopRequested)
          onError(new Error(`${stage} worker exited unexpectedly (code ${code}, signal ${signal})`));
        resolve(code);
      });
    });
  }

  /** Sends to the worker; a worker already gone is reported by its `exit`, not here. */
  send(message: ToStageWorker): void {
    if (this.child.connected) this.child.send(message, undefined, {}, () => {});
  }

  /** Asks the worker to finish, commit and exit; waits for its last counters and its exit. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.send({ type: 'stop' });
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.stopped;
    await this.exited;
    clearTimeout(timeout);
  }

  /** Stops the worker at once, committing nothing more (crash simulation). */
  async kill(): Promise<void> {
    this.stopRequested = true;
    this.send({ type: 'kill' });
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timeout);
  }
}

/**
 * Starts one worker process per stage and resolves once every worker's mappings have joined their
 * consumer groups. Handlers come from the stage modules (or their bundles with `bundled`);
 * function handlers cannot cross the process boundary: use `startPipeline` for those.
 *
 * @example
 * const pipeline = await startStageWorkers({ pipeline: pipelineNamed('commerce'), brokers: ['127.0.0.1:9092'] });
 * pipeline.stageTotals().validation?.recordsSucceeded;
 * await pipeline.stop();
 */
export async function startStageWorkers(options: StageWorkersOptions): Promise<StageWorkersHandle> {
  const {
    pipeline,
    pipelineModule,
    stages = pipeline.stages.map((s) => s.name),
    stagePollers,
    onError = () => {},
    workerHeapMb = DEFAULT_WORKER_HEAP_MB,
    ...common
  } = options;
  const reference = pipelineReferenceOf(pipeline, pipelineModule);
  // Unknown stages fail here, with the stages there are, rather than in every worker.
  for (const stage of stages) stageOf(pipeline, stage);
  const workers = stages.map((stage) => {
    const child = fork(WORKER_ENTRY, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', `--max-old-space-size=${workerHeapMb}`],
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new StageWorker(stage, child, onError);
    const pollers = stagePollers?.[stage] ?? common.pollers;
    worker.send({
      type: 'start',
      ...common,
      pipeline: reference,
      ...(pollers !== undefined ? { pollers } : {}),
      stage,
      bundled: common.bundled ?? false,
    });
    return worker;
  });
  try {
    await Promise.all(workers.map((w) => w.started));
  } catch (error) {
    await Promise.allSettled(workers.map((w) => w.kill()));
    throw error;
  }
  const counters = (): MappingCounters[] => workers.flatMap((w) => w.snapshot.counters);
  return {
    counters,
    stageTotals: () => sumPerStage(counters()),
    peakRssMb: () =>
      Object.fromEntries(workers.map((w) => [w.stage, Math.round(w.peakRssBytes / 1024 / 1024)])),
    cpuMicros: () => Object.fromEntries(workers.map((w) => [w.stage, w.snapshot.cpuMicros])),
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
    },
    kill: async () => {
      await Promise.all(workers.map((w) => w.kill()));
    },
  };
}
