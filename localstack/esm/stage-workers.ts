/**
 * The local pipeline with one worker process per stage, as in AWS where every stage is its own
 * function: each worker runs its stage's event source mappings (`stage-worker-main.ts`) with its
 * own event loop, heap and Kafka connections, so stages use both cores of the machine, a busy
 * stage does not delay the others' timers, and each worker's memory is measured on its own.
 * Counters reach the parent over IPC every 200 ms and a last time when the worker stops.
 *
 * Supervision: a worker that dies (crash, out of memory, `kill -9`) is replaced by a new one, as
 * Lambda resets an execution environment whose function crashed ("Failures during the invoke
 * phase", https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). Locally a
 * worker holds its mappings' pollers too, so its death is also theirs (in AWS the pollers outlive
 * the function and retry the batch as a function error): the new worker's pollers join the consumer
 * groups again and, once the coordinator has dropped the dead members (their session timeout,
 * kafkajs' 30 s: measured 30 s from kill to a running successor), resume from the groups'
 * committed offsets, as "Lambda begins processing records according to the committed offset of the
 * consumer group" (https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html). The
 * batches the dead worker had in flight are thus delivered again: at least once, as in AWS.
 * Replacements back off ({@link restartDelayMs}) so that a worker that cannot live does not spin.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stageOf } from '../../shared/pipeline/definition.ts';
import type { StageName } from '../../shared/pipeline/types.ts';
import { REPO_ROOT } from './handler-loader.ts';
import { type PipelineOptions, type RunningPipeline, sumPerStage } from './pipeline.ts';
import { type PipelineModule, pipelineReferenceOf } from './pipeline-reference.ts';
import type {
  FromStageWorker,
  StageWorkerSnapshot,
  StageWorkerStart,
  ToStageWorker,
} from './stage-worker-protocol.ts';
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

/** How the replacement of a dead worker backs off. */
export interface RestartPolicy {
  /** Delay before the first replacement, ms. */
  readonly initialDelayMs: number;
  /** Ceiling of the delay, which doubles with each worker that dies young, ms. */
  readonly maxDelayMs: number;
  /** A worker that lived at least this long is healthy: the next delay starts over, ms. */
  readonly resetAfterMs: number;
}

/** Restart backoff of the stage workers: 1 s doubling to 30 s, back to 1 s after a worker ran 60 s. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
};

/**
 * How long to wait before replacing a worker that died after running `uptimeMs`, given the delay
 * waited before it started (`undefined` for the stage's first worker). Pure.
 * @example restartDelayMs(undefined, 5_000) // 1000
 * @example restartDelayMs(4_000, 2_000) // 8000 (it died young: double)
 * @example restartDelayMs(30_000, 90_000) // 1000 (it lived 60 s or more: start over)
 */
export function restartDelayMs(
  previousDelayMs: number | undefined,
  uptimeMs: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): number {
  if (previousDelayMs === undefined || uptimeMs >= policy.resetAfterMs) return policy.initialDelayMs;
  return Math.min(Math.max(previousDelayMs, policy.initialDelayMs) * 2, policy.maxDelayMs);
}

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
  /**
   * Replace a worker that dies by a new one (after {@link RestartPolicy} backoff), reporting each
   * replacement once through `onError`; `false` leaves a dead worker dead (reported once).
   * @default true
   */
  readonly supervise?: boolean;
  /** Backoff of the replacements. @default DEFAULT_RESTART_POLICY */
  readonly restartPolicy?: RestartPolicy;
  /** The node binary the workers run on (e.g. `node_modules/node/bin/node`). @default process.execPath */
  readonly workerExecPath?: string;
};

/** A pipeline running in stage workers. */
export interface StageWorkersHandle extends RunningPipeline {
  /** Highest resident set size seen per stage, over all its workers (replacements included), MB. */
  peakRssMb(): Record<string, number>;
  /**
   * CPU time of each stage's workers (as of their last reports), summed over the dead ones and the
   * live one, microseconds.
   */
  cpuMicros(): Record<string, number>;
  /** Replacement workers started per stage since {@link startStageWorkers} (0 for each stage at first). */
  restarts(): Record<string, number>;
  /**
   * The pid of each stage's running worker (its mappings joined their groups), e.g. for a fault
   * run's `process.kill(pid, 'SIGKILL')`; a stage whose replacement is starting or waiting out its
   * backoff is absent.
   */
  workerPids(): Record<string, number>;
}

const EMPTY_SNAPSHOT: StageWorkerSnapshot = { counters: [], rssBytes: 0, cpuMicros: 0, survivedErrors: 0 };

/** How a worker process ended. */
interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The parent had asked it to end (stop or kill). */
  readonly expected: boolean;
  /** Why it could not start, when it said so. */
  readonly startFailure?: string;
}

/** One worker process. */
class StageWorker {
  snapshot: StageWorkerSnapshot = EMPTY_SNAPSHOT;
  peakRssBytes = 0;
  running = false;
  readonly forkedAt = Date.now();
  readonly exited: Promise<WorkerExit>;
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
    // Who waits on `started` says what a failed start means; never an unhandled rejection.
    this.started.catch(() => {});
    this.stopped = new Promise((resolve) => {
      resolveStopped = resolve;
    });
    let startFailure: string | undefined;
    child.on('message', (message: FromStageWorker) => {
      switch (message.type) {
        case 'started':
        case 'counters':
        case 'stopped':
          this.snapshot = message;
          this.peakRssBytes = Math.max(this.peakRssBytes, message.rssBytes);
          if (message.type === 'started') {
            this.running = true;
            resolveStarted();
          }
          if (message.type === 'stopped') resolveStopped();
          break;
        case 'failed':
          startFailure = message.message;
          rejectStarted(new Error(`${stage} worker could not start: ${message.message}`));
          break;
        case 'error':
          onError(new Error(`${stage} worker: ${message.message}`));
          break;
      }
    });
    this.exited = new Promise((resolve) => {
      let ended = false;
      const onEnd = (code: number | null, signal: NodeJS.Signals | null) => {
        if (ended) return;
        ended = true;
        resolveStopped();
        rejectStarted(
          new Error(
            startFailure !== undefined
              ? `${stage} worker could not start: ${startFailure}`
              : `${stage} worker exited (code ${code}, signal ${signal}) before it started`,
          ),
        );
        this.running = false;
        resolve({
          code,
          signal,
          expected: this.stopRequested,
          ...(startFailure !== undefined ? { startFailure } : {}),
        });
      };
      child.on('exit', onEnd);
      child.on('error', (error) => {
        // A process that could not be spawned (e.g. no such `workerExecPath`) emits no `exit`.
        if (child.pid === undefined) {
          startFailure = error.message;
          onEnd(null, null);
        } else onError(new Error(`${stage} worker: ${error.message}`));
      });
    });
  }

  /** The worker's process id. */
  get pid(): number | undefined {
    return this.child.pid;
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

/** What a stage's dead workers counted, kept so that the stage's figures stay cumulative. */
interface DeadWorkersTally {
  /** Per mapping, settled ({@link settledCounters}). */
  counters: MappingCounters[];
  cpuMicros: number;
  peakRssBytes: number;
}

/**
 * A dead worker's last counters of one mapping, as the stage keeps them. Its pending records were
 * never done: the successor fetches them again from the committed offsets, so they leave
 * `recordsIn` and `recordsPending` (keeping `recordsIn = recordsSucceeded + recordsOnFailure +
 * recordsPending`). A batch the dead worker processed but had not committed yet is invoked again
 * by the successor and so counted twice (`invocations`, `recordsSucceeded`), as AWS invokes it
 * again too: delivery is at least once, the stores' idempotence makes the effect once. The counters
 * are those of the worker's last report, at most 200 ms old.
 * @example settledCounters({ …, recordsIn: 500, recordsSucceeded: 400, recordsPending: 100 }) // recordsIn 400, recordsPending 0
 */
export function settledCounters(counters: MappingCounters): MappingCounters {
  return { ...counters, recordsIn: counters.recordsIn - counters.recordsPending, recordsPending: 0 };
}

/**
 * `earlier + later` per mapping (same topic and consumer group), count by count; names and
 * `pollers` are the later worker's; a mapping of only one side is kept as it is.
 * @example mergeMappingCounters(deadWorkers, liveWorker.counters)
 */
export function mergeMappingCounters(
  earlier: readonly MappingCounters[],
  later: readonly MappingCounters[],
): MappingCounters[] {
  const key = (c: MappingCounters) => `${c.topic}\u0000${c.consumerGroupId}`;
  const out = new Map(earlier.map((c) => [key(c), c]));
  for (const c of later) {
    const before = out.get(key(c));
    out.set(key(c), before ? sumCounters(before, c) : c);
  }
  return [...out.values()];
}

/** `earlier + later`, count by count (names and pollers: the later one's). */
function sumCounters(earlier: MappingCounters, later: MappingCounters): MappingCounters {
  const out: Record<string, unknown> = { ...later };
  const laterCounts = later as unknown as Readonly<Record<string, unknown>>;
  for (const [key, value] of Object.entries(earlier)) {
    const next = laterCounts[key];
    if (key !== 'pollers' && typeof value === 'number' && typeof next === 'number') out[key] = value + next;
  }
  return out as unknown as MappingCounters;
}

/** One stage: its current worker, and its replacement after a death. */
class SupervisedStage {
  worker: StageWorker;
  restarts = 0;
  private readonly dead: DeadWorkersTally = { counters: [], cpuMicros: 0, peakRssBytes: 0 };
  private ending = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private lastDelayMs: number | undefined;
  /** Set once the stage's first worker started: only then is a death replaced. */
  private everStarted = false;

  constructor(
    readonly stage: StageName,
    private readonly spawn: () => StageWorker,
    private readonly supervise: boolean,
    private readonly policy: RestartPolicy,
    private readonly onError: (error: unknown) => void,
  ) {
    this.worker = this.watch(spawn());
    this.worker.started.then(
      () => {
        this.everStarted = true;
      },
      () => {},
    );
  }

  /** Reacts to the end of `worker` once it comes. */
  private watch(worker: StageWorker): StageWorker {
    void worker.exited.then((exit) => this.onExit(worker, exit));
    return worker;
  }

  private onExit(worker: StageWorker, exit: WorkerExit): void {
    if (worker !== this.worker || exit.expected || this.ending) return;
    // A first worker that could not start fails `startStageWorkers`; it is not replaced.
    if (!this.everStarted) return;
    const how = exit.startFailure
      ? `could not start (${exit.startFailure})`
      : `exited unexpectedly (code ${exit.code}, signal ${exit.signal})`;
    this.dead.counters = mergeMappingCounters(
      this.dead.counters,
      worker.snapshot.counters.map(settledCounters),
    );
    this.dead.cpuMicros += worker.snapshot.cpuMicros;
    this.dead.peakRssBytes = Math.max(this.dead.peakRssBytes, worker.peakRssBytes);
    if (!this.supervise) {
      this.onError(new Error(`${this.stage} worker ${how}`));
      return;
    }
    const delay = restartDelayMs(this.lastDelayMs, Date.now() - worker.forkedAt, this.policy);
    this.lastDelayMs = delay;
    this.onError(
      new Error(
        `${this.stage} worker ${how}: starting a new one in ${(delay / 1000).toFixed(1)} s (restart ${this.restarts + 1}); ` +
          'its in-flight batches are delivered again from the committed offsets',
      ),
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.ending) return;
      this.restarts++;
      this.worker = this.watch(this.spawn());
    }, delay);
  }

  /** Counters of the stage's mappings: the dead workers' plus the live one's. */
  counters(): MappingCounters[] {
    const live = this.worker.snapshot.counters;
    return this.dead.counters.length === 0 ? live : mergeMappingCounters(this.dead.counters, live);
  }

  cpuMicros(): number {
    return this.dead.cpuMicros + this.worker.snapshot.cpuMicros;
  }

  peakRssBytes(): number {
    return Math.max(this.dead.peakRssBytes, this.worker.peakRssBytes);
  }

  /** The running worker's pid, if one is running. */
  pid(): number | undefined {
    return this.worker.running ? this.worker.pid : undefined;
  }

  /** Ends the stage: no replacement any more, then `end` on the current worker. */
  async end(end: 'stop' | 'kill'): Promise<void> {
    this.ending = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await (end === 'stop' ? this.worker.stop() : this.worker.kill());
  }
}

/**
 * Starts one worker process per stage and resolves once every worker's mappings have joined their
 * consumer groups. Handlers come from the stage modules (or their bundles with `bundled`);
 * function handlers cannot cross the process boundary: use `startPipeline` for those. A worker
 * that dies later is replaced (see the module's doc), unless `supervise: false`.
 *
 * @example
 * const pipeline = await startStageWorkers({ pipeline: pipelineNamed('toy'), brokers: ['127.0.0.1:9092'] });
 * pipeline.stageTotals().validation?.recordsSucceeded;
 * process.kill(pipeline.workerPids().forward!, 'SIGKILL'); // a new forward worker starts in 1 s
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
    supervise = true,
    restartPolicy = DEFAULT_RESTART_POLICY,
    workerExecPath = process.execPath,
    ...common
  } = options;
  const reference = pipelineReferenceOf(pipeline, pipelineModule);
  // Unknown stages fail here, with the stages there are, rather than in every worker.
  for (const stage of stages) stageOf(pipeline, stage);
  const spawn = (stage: StageName) => (): StageWorker => {
    const child = fork(WORKER_ENTRY, [], {
      cwd: REPO_ROOT,
      execPath: workerExecPath,
      execArgv: ['--import', 'tsx', `--max-old-space-size=${workerHeapMb}`],
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new StageWorker(stage, child, onError);
    const pollers = stagePollers?.[stage] ?? common.pollers;
    const start: StageWorkerStart = {
      type: 'start',
      ...common,
      pipeline: reference,
      ...(pollers !== undefined ? { pollers } : {}),
      stage,
      bundled: common.bundled ?? false,
    };
    worker.send(start);
    return worker;
  };
  const supervised = stages.map(
    (stage) => new SupervisedStage(stage, spawn(stage), supervise, restartPolicy, onError),
  );
  try {
    await Promise.all(supervised.map((s) => s.worker.started));
  } catch (error) {
    await Promise.allSettled(supervised.map((s) => s.end('kill')));
    throw error;
  }
  const counters = (): MappingCounters[] => supervised.flatMap((s) => s.counters());
  const perStage = <T>(value: (s: SupervisedStage) => T) =>
    Object.fromEntries(supervised.map((s) => [s.stage, value(s)]));
  return {
    counters,
    stageTotals: () => sumPerStage(counters()),
    peakRssMb: () => perStage((s) => Math.round(s.peakRssBytes() / 1024 / 1024)),
    cpuMicros: () => perStage((s) => s.cpuMicros()),
    restarts: () => perStage((s) => s.restarts),
    workerPids: () => {
      const pids: Record<string, number> = {};
      for (const s of supervised) {
        const pid = s.pid();
        if (pid !== undefined) pids[s.stage] = pid;
      }
      return pids;
    },
    stop: async () => {
      await Promise.all(supervised.map((s) => s.end('stop')));
    },
    kill: async () => {
      await Promise.all(supervised.map((s) => s.end('kill')));
    },
  };
}
