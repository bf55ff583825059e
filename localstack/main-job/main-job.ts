/**
 * The main job (`npm start`): a whole pipeline on the local stack, end to end. Stack up (reused
 * when running) → topics apply → the pipeline's stores prepared → its stages behind the ESM
 * emulator, its HTTP APIs and stream stages beside them (`startPipelineFunctions`) → the backlog of
 * earlier runs drained → a generated load (and the load's HTTP driver, `LocalRunLoad.drive`,
 * concurrently) → live progress → wait until idle (stream stages caught up too) → a report with
 * exact accounting (`stored + rejected + dead letters = generated + entered by HTTP`), a line per
 * HTTP API and stream stage, and the module's own sections (e.g. detection quality) when it
 * measures any.
 * Everything pipeline-specific (the load, the stores, what "stored" means) comes from the
 * pipeline's local-run module (`shared/pipeline/local-run.ts`).
 */

import { availableParallelism } from 'node:os';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, FAILOVER_RETRY } from '../../shared/kafka/client.ts';
import { applyCatalog, type TopicApplyReport } from '../../shared/kafka/topic-apply.ts';
import { keyspaceNameOf } from '../../shared/pipeline/definition.ts';
import { ENV } from '../../shared/pipeline/environment.ts';
import type {
  LocalRunContext,
  LocalRunDriveResult,
  LocalRunLoad,
  LocalRunModule,
  LocalRunReportSection,
  LocalRunStores,
} from '../../shared/pipeline/local-run.ts';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { DEFAULT_PIPELINE } from '../../shared/pipelines.ts';
import { DEFAULT_KEYSPACE } from '../../shared/storage/cassandra/keyspace.ts';
import { localStoreEnvironment } from '../embedded/endpoints.ts';
import { localKafkaBrokers, stackUp } from '../embedded/stack.ts';
import { readLag } from '../esm/lag.ts';
import { type RunningPipeline, type StageTotals, startPipeline } from '../esm/pipeline.ts';
import {
  type PipelineFunctionCounters,
  type RunningPipelineFunctions,
  type StreamStageCounters,
  startPipelineFunctions,
} from '../esm/pipeline-functions.ts';
import type { PipelineModule } from '../esm/pipeline-reference.ts';
import { type StageWorkersHandle, startStageWorkers } from '../esm/stage-workers.ts';
import { generateToKafka } from '../load/generate-to-kafka.ts';
import { loadLocalRunModule } from '../load/local-run-module.ts';
import { startCpuMeter } from './cpu-meter.ts';
import { summarizeLatencies } from './latency.ts';
import { ProgressView } from './progress.ts';
import { countByMessage, type MainJobReport } from './report.ts';
import { endOffsets, recordsBetween, tallyBetween } from './topic-window.ts';
import { describeStall, type IdleOutcome, waitUntilIdle } from './wait-until-idle.ts';

/** Options of {@link runMainJob}. */
export interface MainJobOptions {
  /** The pipeline to run; it must name a local-run module (`localRun.module`). */
  readonly pipeline: PipelineDefinition;
  /**
   * The module the stage workers import `pipeline` from; needed only for a pipeline that is not
   * in `shared/pipelines.ts` (a test fixture). @default found by name in the registry
   */
  readonly pipelineModule?: PipelineModule;
  /** Records to generate. */
  readonly count: number;
  /** Records per second (0: as fast as the producer goes). */
  readonly rate: number;
  /** Share (0–1) of records the generator makes invalid on purpose. */
  readonly invalidRatio: number;
  readonly seed: number;
  /** Values of the pipeline module's own options (`LocalRunModule.options`); unset → its defaults. */
  readonly loadOptions: Readonly<Record<string, string | undefined>>;
  /** Kafka brokers of the embedded stack (1, or 3 for RF 3 / min ISR 2). */
  readonly brokers: number;
  /** Run the esbuild bundles instead of the sources. */
  readonly bundled: boolean;
  /** Batches in flight per poller (1–5). */
  readonly invocationsPerPoller: number;
  /**
   * One worker process per stage (default), as each stage is its own function in AWS: the stages
   * use every core and each worker's memory is measured; `false` runs every stage in this process.
   */
  readonly stageWorkers: boolean;
  /** Give up when nothing moved for this long once generation is over. */
  readonly stallTimeoutMs: number;
  /** Port per HTTP API name. @default `ORION_HTTP_PORT_<NAME>`, else an ephemeral port */
  readonly apiPorts?: Readonly<Record<string, number>>;
  /** Progress and steps go here. */
  readonly log: (line: string) => void;
}

/** Defaults of the main job: a load the 2-core reference machine sustains with a low latency. */
export const MAIN_JOB_DEFAULTS: Omit<MainJobOptions, 'log' | 'seed'> = {
  pipeline: DEFAULT_PIPELINE,
  count: 20_000,
  rate: 1_000,
  invalidRatio: 0.05,
  loadOptions: {},
  brokers: 1,
  bundled: false,
  invocationsPerPoller: 3,
  stageWorkers: true,
  stallTimeoutMs: 120_000,
};

/** What a run has opened before its stages start, handed from one phase of the job to the next. */
interface OpenedRun {
  readonly options: MainJobOptions;
  readonly localRun: LocalRunModule;
  readonly load: LocalRunLoad;
  readonly stores: LocalRunStores;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly context: LocalRunContext;
  readonly components: Awaited<ReturnType<typeof stackUp>>;
}

/**
 * Runs the main job and returns its report (the caller prints it).
 * @example const report = await runMainJob({ ...MAIN_JOB_DEFAULTS, seed: 42, log: console.log });
 */
export async function runMainJob(options: MainJobOptions): Promise<MainJobReport> {
  const { log, pipeline: definition } = options;
  const localRun = await loadLocalRunModule(definition);
  // Invalid module options fail before anything starts.
  const load = localRun.createLoad({
    count: options.count,
    rate: options.rate,
    invalidRatio: options.invalidRatio,
    seed: options.seed,
    speed: 1,
    options: options.loadOptions,
  });
  log(`== stack up (${options.brokers} broker${options.brokers > 1 ? 's' : ''})`);
  const components = await stackUp({ brokers: options.brokers, log });
  for (const c of components) {
    const cold =
      c.coldStartMs !== undefined && c.coldStartMs >= 0 ? `${(c.coldStartMs / 1000).toFixed(1)} s` : '-';
    log(
      `   ${c.component.padEnd(10)} ${c.outcome.padEnd(9)} ${c.version ?? ''} ${c.address} (cold start ${cold})`,
    );
  }

  const brokers = localKafkaBrokers();
  // The stages get their endpoints from the emulator (the env contract bound to the local stack);
  // the module's own store clients read the same ones. process.env keeps the user's endpoints
  // only, so a second run in this process still sees the embedded stack as embedded.
  // The keyspace too: the stages get their pipeline's own (keyspaceNameOf), unless the user set one.
  const storeEnvironment = {
    [ENV.cassandraKeyspace]: keyspaceNameOf(definition, DEFAULT_KEYSPACE),
    ...process.env,
    ...localStoreEnvironment(),
  };
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

  // The job's own reads (lag, offsets, the lookup's topic reads) must outlive a broker failover
  // like its producers do: kafkajs' default retries give up after ~9 s (the broker-kill fault run).
  const kafka = createKafka({ brokers, auth: 'none', clientId: 'orion-main-job', retry: FAILOVER_RETRY });
  const admin = kafka.admin();
  await admin.connect();
  let stores: LocalRunStores | undefined;
  try {
    log('== topics apply');
    const applied = await applyCatalog(admin, definition.topics);
    log(`   ${summarizeApply(applied)}`);

    // Filled in place once the HTTP APIs listen (after prepare), as LocalRunContext documents.
    const context: LocalRunContext = {
      pipeline: definition,
      brokers,
      env: storeEnvironment,
      log,
      httpApis: {},
    };
    stores = await localRun.openStores(context);
    await stores.prepare();

    return await runStages({ options, localRun, load, stores, kafka, admin, context, components });
  } finally {
    await Promise.allSettled([admin.disconnect(), stores?.close()]);
  }
}

/** From the stages' start to the report: the part of the run whose records are counted. */
async function runStages(run: OpenedRun): Promise<MainJobReport> {
  const { options, context } = run;
  const { log, pipeline: definition } = options;
  const { brokers } = context;
  log(
    `== pipeline: ${definition.stages.map((s) => s.name).join(' → ')}${options.bundled ? ' (esbuild bundles)' : ''}`,
  );
  const pipelineErrors: unknown[] = [];
  const pipelineOptions = {
    pipeline: definition,
    ...(options.pipelineModule ? { pipelineModule: options.pipelineModule } : {}),
    brokers,
    bundled: options.bundled,
    // Several batches in flight per poller (AWS allows up to 5 for Kafka): hides the produce and
    // store round trips, while never two batches of one partition (order is kept).
    invocationsPerPoller: options.invocationsPerPoller,
    onError: (error: unknown) => pipelineErrors.push(error),
  };
  const workers: StageWorkersHandle | undefined = options.stageWorkers
    ? await startStageWorkers(pipelineOptions)
    : undefined;
  const pipeline: RunningPipeline = workers ?? (await startPipeline(pipelineOptions));
  let pipelineStopped: Promise<void> | undefined;
  const stopPipeline = () => {
    pipelineStopped ??= pipeline.stop();
    return pipelineStopped;
  };
  let functions: RunningPipelineFunctions | undefined;
  try {
    // After the fork of the stage workers: the functions' variables go into this process's env.
    functions = await startFunctions(options, context, (error) => pipelineErrors.push(error));
    return await runWindow(run, {
      pipeline,
      stopPipeline,
      workers,
      functions,
      pipelineErrors,
    });
  } finally {
    // Also when the window throws (a generation or HTTP load that fails, a backlog that does not
    // drain): the stage workers must not outlive the job, holding the mappings' partitions.
    await Promise.allSettled([stopPipeline(), functions?.stop()]);
  }
}

/** The pipeline's HTTP APIs and stream stages, started (URLs into the context), or undefined. */
async function startFunctions(
  options: MainJobOptions,
  context: LocalRunContext,
  onError: (error: unknown) => void,
): Promise<RunningPipelineFunctions | undefined> {
  const { pipeline: definition, log } = options;
  const apis = definition.httpApis ?? [];
  const streams = definition.streamStages ?? [];
  if (apis.length === 0 && streams.length === 0) return undefined;
  log('== HTTP APIs and stream stages');
  const functions = await startPipelineFunctions({
    pipeline: definition,
    brokers: context.brokers,
    bundled: options.bundled,
    ...(options.apiPorts ? { apiPorts: options.apiPorts } : {}),
    log: (line) => log(`   ${line}`),
    onError,
  });
  Object.assign(context.httpApis, functions.urls);
  for (const api of apis) {
    log(
      `   ${api.name.padEnd(18)} ${functions.urls[api.name]} (${api.routes.map((r) => `${r.method} ${r.path}`).join(', ')})`,
    );
  }
  for (const stage of streams) {
    log(
      `   ${stage.name.padEnd(18)} stream of ${stage.source.store}/${stage.source.table} → ${stage.outputTopics.join(', ') || '(no topic)'}`,
    );
  }
  return functions;
}

/** What runs while the window is open. */
interface RunningParts {
  readonly pipeline: RunningPipeline;
  /** Stops the pipeline once, however often it is called. */
  readonly stopPipeline: () => Promise<void>;
  readonly workers: StageWorkersHandle | undefined;
  readonly functions: RunningPipelineFunctions | undefined;
  readonly pipelineErrors: unknown[];
}

/** From the drained backlog to the report. */
async function runWindow(
  { options, localRun, load, stores, kafka, admin, context, components }: OpenedRun,
  { pipeline, stopPipeline, workers, functions, pipelineErrors }: RunningParts,
): Promise<MainJobReport> {
  const { log, pipeline: definition } = options;
  const { labels } = localRun;
  const { brokers } = context;
  const view = new ProgressView(
    definition.stages.map((s) => s.name),
    workers ? { restarts: () => workers.restarts() } : {},
  );
  const rejectTopics = [definition.rejectTopic];
  const deadLetterTopics = definition.deadLetterTopics;
  const watch = {
    kafka,
    admin,
    definition,
    pipeline,
    view,
    stallTimeoutMs: options.stallTimeoutMs,
    ...(functions ? { functions } : {}),
  };

  // Records left on the pipeline's topics by earlier runs are processed first, so that this
  // run's accounting starts from an idle pipeline and counts only its own records.
  const backlog = (await readLag(kafka, admin, definition.stages, { withAge: false })).reduce(
    (n, r) => n + r.lag,
    0,
  );
  // A stream stage's mapping starts from the stream's trim horizon (its checkpoints live in memory):
  // what earlier runs left on the stream goes through before the window opens too.
  const streamStages = functions ? (definition.streamStages?.length ?? 0) : 0;
  if (backlog > 0 || streamStages > 0) {
    log(
      backlog > 0
        ? `== draining ${backlog.toLocaleString('en-US')} record(s) left on the pipeline's topics by earlier runs`
        : "== draining what earlier runs left on the stream stages' streams",
    );
    const drained = await waitUntilIdle({
      ...watch,
      rejectedFrom: await endOffsets(admin, rejectTopics),
      dlqFrom: await endOffsets(admin, deadLetterTopics),
      producer: () => ({ generated: 0, generating: false }),
    });
    if (!drained.idle)
      throw new Error(
        `the backlog of earlier runs did not drain (${describeStall(drained.stall)}); see \`npx orion lag\``,
      );
  }
  const rejectedBefore = await endOffsets(admin, rejectTopics);
  const dlqBefore = await endOffsets(admin, deadLetterTopics);
  await stores.runStarting?.();
  const totalsBefore = pipeline.stageTotals();
  const functionsBefore = functions?.counters();
  const cpuMeter = startCpuMeter({
    ...(workers ? { workers: () => workers.cpuMicros() } : {}),
    pids: Object.fromEntries(components.map((c) => [c.component, c.pids])),
  });

  let generating = true;
  let generated = 0;
  log(`== generating ${load.description}`);
  const startedAt = Date.now();
  // The load's HTTP part, concurrently with the Kafka generation; the window stays open until it ends.
  const abort = new AbortController();
  let driving = load.drive !== undefined;
  const drive: Promise<LocalRunDriveResult> | undefined = load.drive
    ?.call(load, { ...context, signal: abort.signal })
    .finally(() => {
      driving = false;
    });
  drive?.catch(() => abort.abort());
  const generation = generateToKafka({
    brokers,
    load,
    count: options.count,
    rate: options.rate,
    speed: 1,
    onProduced: (records, at) => load.acknowledged(records, at),
    onProgress: (r) => {
      generated = r.produced;
    },
  }).finally(() => {
    generating = false;
  });
  generation.catch(() => abort.abort());
  let idle: IdleOutcome;
  try {
    idle = await waitUntilIdle({
      ...watch,
      rejectedFrom: rejectedBefore,
      dlqFrom: dlqBefore,
      producer: () => ({ generated, generating: generating || driving }),
    });
  } finally {
    abort.abort();
  }
  const generationReport = await generation;
  const driveResult = await drive;
  const cpuSeconds = cpuMeter.stop();
  await Promise.all([stopPipeline(), functions?.stop()]);
  const functionsAfter = functions?.counters();

  const rejectedAfter = await endOffsets(admin, rejectTopics);
  const dlqAfter = await endOffsets(admin, deadLetterTopics);
  const ids = [...load.expected.keys()];
  const landedAt = await stores.landedAt(ids);
  const { latencies, lastLandedAt } = latenciesOf(load.expected, landedAt, startedAt);
  const rejected = await tallyBetween(kafka, rejectedBefore, rejectedAfter);
  const dlq = await tallyBetween(kafka, dlqBefore, dlqAfter);
  const samples = await stores.samples(ids.slice(0, 3));
  // What the module measures beyond the accounting never costs the report.
  const sections: readonly LocalRunReportSection[] =
    (await stores.quality?.(load).catch((error: unknown) => [
      {
        title: 'quality',
        lines: [`not measured: ${error instanceof Error ? error.message : String(error)}`],
      },
    ])) ?? [];

  return {
    pipeline: definition.name,
    labels,
    seed: options.seed,
    generated: generationReport.produced,
    refusedByBroker: generationReport.refusedByBroker,
    expectedByOutcome: generationReport.expected,
    stored: landedAt.size + load.duplicatesAmong(landedAt),
    storedRows: landedAt.size,
    rejected: recordsBetween(rejectedBefore, rejectedAfter),
    rejectedByReason: rejected.byReason,
    rejectedByStage: rejected.byStage,
    dlq: recordsBetween(dlqBefore, dlqAfter),
    dlqByReason: dlq.byReason,
    latency: summarizeLatencies(latencies),
    generationMs: generationReport.durationMs,
    endToEndMs: lastLandedAt - startedAt,
    stageTotals: subtractTotals(pipeline.stageTotals(), totalsBefore),
    ...functionsOfRun(functionsAfter, functionsBefore),
    ...(driveResult ? { drive: driveResult } : {}),
    sampleRows: samples,
    ...(sections.length > 0 ? { sections } : {}),
    stalled: !idle.idle,
    ...(idle.idle ? {} : { stall: idle.stall }),
    pipelineErrors: pipelineErrors.length,
    ...(pipelineErrors.length > 0 ? { pipelineErrorsByMessage: countByMessage(pipelineErrors) } : {}),
    ...(workers ? { workerPeakRssMb: workers.peakRssMb(), workerRestarts: workers.restarts() } : {}),
    cpuSeconds,
    cores: availableParallelism(),
  };
}

/** Produce → landed latency of every landed id, and when the last one landed. */
function latenciesOf(
  producedAt: ReadonlyMap<string, number>,
  landedAt: ReadonlyMap<string, number>,
  startedAt: number,
): { latencies: number[]; lastLandedAt: number } {
  const latencies: number[] = [];
  let lastLandedAt = startedAt;
  for (const [id, at] of landedAt) {
    const produced = producedAt.get(id);
    if (produced === undefined) continue;
    latencies.push(at - produced);
    if (at > lastLandedAt) lastLandedAt = at;
  }
  return { latencies, lastLandedAt };
}

function summarizeApply(report: TopicApplyReport): string {
  const counts = Object.entries(report)
    .filter(([, v]) => Array.isArray(v))
    .map(([k, v]) => `${(v as unknown[]).length} ${k}`);
  return counts.join(', ');
}

/** Per-stage counters of this run only. */
function subtractTotals(
  after: Readonly<Record<string, StageTotals>>,
  before: Readonly<Record<string, StageTotals>>,
): Record<string, StageTotals> {
  const out: Record<string, StageTotals> = {};
  for (const [stage, totals] of Object.entries(after)) {
    const base = before[stage];
    const delta = { ...totals };
    if (base) for (const k of Object.keys(delta) as (keyof StageTotals)[]) delta[k] -= base[k];
    out[stage] = delta;
  }
  return out;
}

/** The HTTP API and stream stage counters of this run (stream counts minus those of the drained backlog). */
function functionsOfRun(
  after: PipelineFunctionCounters | undefined,
  before: PipelineFunctionCounters | undefined,
): Pick<MainJobReport, 'httpApis' | 'streamStages'> {
  if (!after) return {};
  const streamStages: Record<string, StreamStageCounters> = {};
  for (const [name, c] of Object.entries(after.streamStages)) {
    const b = before?.streamStages[name];
    streamStages[name] = b
      ? {
          ...c,
          records: c.records - b.records,
          succeeded: c.succeeded - b.succeeded,
          onFailure: c.onFailure - b.onFailure,
          batches: c.batches - b.batches,
          functionErrors: c.functionErrors - b.functionErrors,
          retries: c.retries - b.retries,
          onFailureRecords: c.onFailureRecords - b.onFailureRecords,
        }
      : c;
  }
  return {
    ...(Object.keys(after.httpApis).length > 0 ? { httpApis: after.httpApis } : {}),
    ...(Object.keys(streamStages).length > 0 ? { streamStages } : {}),
  };
}
