/**
 * One fault scenario, end to end: the main job (`runMainJob`, unchanged) runs a generated load on
 * the private stack while the scenario's fault is injected from inside the window (the observed
 * local run says when records are produced and holds the main job's own lookup until the fault is
 * over); whatever was dead-lettered is then replayed with `orion replay` (a child process), the
 * pipeline drained again, and the independent check (a full scan of every checked table, the
 * reject and dead-letter topics read back) gives the row: generated, stored, rejected,
 * dead-lettered, replayed, duplicates, lost, time to recover.
 */
import type cassandra from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import { MAIN_JOB_DEFAULTS, runMainJob } from '../../../localstack/main-job/main-job.ts';
import { type MainJobReport, recordsIn } from '../../../localstack/main-job/report.ts';
import { type EndOffsets, endOffsets, recordsBetween } from '../../../localstack/main-job/topic-window.ts';
import { describeStall } from '../../../localstack/main-job/wait-until-idle.ts';
import { createKafka } from '../../../shared/kafka/client.ts';
import { keyspaceNameOf } from '../../../shared/pipeline/definition.ts';
import { ENV } from '../../../shared/pipeline/environment.ts';
import type { LocalRunLoad } from '../../../shared/pipeline/local-run.ts';
import { createCassandraClient } from '../../../shared/storage/cassandra/client.ts';
import { cassandraConfigFromEnv } from '../../../shared/storage/cassandra/config.ts';
import { DEFAULT_KEYSPACE } from '../../../shared/storage/cassandra/keyspace.ts';
import {
  checkStored,
  type ReplayedOriginals,
  scanTable,
  tallyOriginals,
  traceLoss,
  truncateTables,
} from './accounting.ts';
import type { FaultPipeline } from './fault-pipeline.ts';
import { observedDefinition, setRunObserver } from './observed-local-run.ts';
import type { FaultStack } from './private-stack.ts';
import { StageWorkerMap, stageWorkerPids } from './processes.ts';
import { countReplayed, type ReplayCliResult, replayTargetOffsets, runReplayCli } from './replay-cli.ts';
import { recoveryMs, startTimeline, type Timeline } from './timeline.ts';

/** How long after a component is back the run waits before reading it (client reconnection). */
const RECONNECT_SETTLE_MS = 8_000;

/** Clients shared by the scenarios of one run (one private stack). */
export interface FaultEnvironment {
  readonly stack: FaultStack;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly log: (line: string) => void;
  close(): Promise<void>;
}

/**
 * Connects to the private stack `process.env` points at.
 * @example const env = await openFaultEnvironment(stack, console.log);
 */
export async function openFaultEnvironment(
  stack: FaultStack,
  log: (line: string) => void,
): Promise<FaultEnvironment> {
  const kafka = createKafka({
    brokers: stack.env.KAFKA_BROKERS!.split(','),
    auth: 'none',
    clientId: 'orion-faults',
  });
  const admin = kafka.admin();
  await admin.connect();
  return { stack, kafka, admin, log, close: () => admin.disconnect() };
}

/** What a fault sees of the run it is injected into. */
export interface FaultContext {
  readonly env: FaultEnvironment;
  readonly pipeline: FaultPipeline;
  /** Stage workers by stage (mapped when the window opened). */
  readonly workers: StageWorkerMap;
  /** Records the broker acknowledged so far. */
  produced(): number;
  /** Resolves once `n` records are acknowledged (or the generation ended). */
  waitProduced(n: number): Promise<void>;
  readonly log: (line: string) => void;
}

/** What a fault did. */
export interface FaultOutcome {
  /** When the first fault was injected and when the last faulted part was back (epoch ms). */
  readonly injectedAt: number;
  readonly restoredAt: number;
  /** Faults injected (kills, stops). */
  readonly faults: number;
  /** Lines for the report (what was killed, how long a restart took …). */
  readonly notes: readonly string[];
}

/** One scenario as the runner runs it. */
export interface ScenarioSpec {
  readonly name: string;
  readonly count: number;
  /** Records per second. */
  readonly rate: number;
  readonly invalidRatio?: number;
  readonly seed?: number;
  /** Variables the stage workers get for this scenario only. */
  readonly workerEnv?: Readonly<Record<string, string>>;
  /** The fault, started when the window opens; the main job's lookup waits for it. */
  readonly inject?: (ctx: FaultContext) => Promise<FaultOutcome>;
  /**
   * Replay of what was dead-lettered: records per second, whether to SIGKILL it half-way, and
   * variables for the replay process (a shorter `REPLAY_LEASE_MS` for the resume).
   */
  readonly replay?: {
    readonly rate: number;
    readonly killAt?: number;
    readonly env?: Readonly<Record<string, string>>;
  };
  /** Sampling period of the timeline. @default 1 s */
  readonly sampleMs?: number;
}

/** The printed row and what backs it. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly pipeline: string;
  readonly generated: number;
  /** Records whose row is in every checked table (distinct ids, plus records sharing an id). */
  readonly stored: number;
  /** Distinct original records on the reject topic. */
  readonly rejected: number;
  /** Distinct original records on the dead-letter topics during the run. */
  readonly deadLettered: number;
  /** Dead-lettered records the replay brought back (distinct; every copy republished counts once). */
  readonly replayed: number;
  /** Rows beyond one per id, over every checked table, plus rows of ids the run never generated. */
  readonly duplicates: number;
  /** Valid records with no row (in some table) and not waiting in a dead-letter topic. */
  readonly lost: number;
  /** Fault → lag back to its pre-fault level (ms); undefined without a fault or when it never came back. */
  readonly recoveryMs?: number;
  /** generated = stored + rejected + (dead-lettered − replayed), 0 duplicates, 0 lost. */
  readonly exact: boolean;
  readonly notes: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly timeline?: Timeline['samples'];
}

async function withWorkerEnv<T>(
  vars: Readonly<Record<string, string>> | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (!vars) return run();
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The main job as the fault runs call it: 3 brokers, stage workers, the observed local run. */
async function mainJob(
  pipeline: FaultPipeline,
  spec: Pick<ScenarioSpec, 'count' | 'rate' | 'invalidRatio' | 'seed'>,
  log: (line: string) => void,
  loadOptions: Readonly<Record<string, string>> = {},
): Promise<MainJobReport> {
  return runMainJob({
    ...MAIN_JOB_DEFAULTS,
    loadOptions,
    pipeline: await observedDefinition(pipeline.definition),
    pipelineModule: pipeline.module,
    count: spec.count,
    rate: spec.rate,
    invalidRatio: spec.invalidRatio ?? 0.05,
    seed: spec.seed ?? 20_261_202,
    brokers: 3,
    stallTimeoutMs: 180_000,
    log,
  });
}

/**
 * Runs a replay again with the same job id after its process was killed. The killed invocation
 * still holds the job's lock until its lease expires (`REPLAY_DEFAULTS.leaseMs`, `REPLAY_LEASE_MS`); the CLI then
 * refuses with the lease's end, and is run again after it, as its message tells an operator.
 */
async function resumeReplay(
  request: Parameters<typeof runReplayCli>[0],
): Promise<{ result: ReplayCliResult; waitedMs: number }> {
  let waitedMs = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return { result: await runReplayCli(request), waitedMs };
    } catch (error) {
      const until = /lease until (\S+?)\)/.exec(String(error))?.[1];
      if (!until || attempt >= 3) throw error;
      const wait = Math.max(0, Date.parse(until) - Date.now()) + 1_000;
      waitedMs += wait;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Runs one phase of a scenario; a failure says which phase it came from. */
async function phase<T>(scenario: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${scenario}, ${what}: ${message}`, { cause: error });
  }
}

function keyspaceOf(pipeline: FaultPipeline): string {
  return process.env[ENV.cassandraKeyspace]?.trim() || keyspaceNameOf(pipeline.definition, DEFAULT_KEYSPACE);
}

async function withCassandra<T>(run: (client: cassandra.Client) => Promise<T>): Promise<T> {
  const client = await createCassandraClient(cassandraConfigFromEnv(process.env));
  try {
    await client.connect();
    return await run(client);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

/** Offsets `[before, after)` of one topic, per partition with records. */
function rangesOf(topic: string, before: EndOffsets, after: EndOffsets) {
  return [...(after.get(topic) ?? new Map<number, number>())]
    .map(([partition, end]) => ({ partition, start: before.get(topic)?.get(partition) ?? 0, end }))
    .filter((r) => r.end > r.start);
}

/** Seconds a replay that is to be killed half-way lasts at least, whatever its size. */
const KILLED_REPLAY_MIN_SECONDS = 10;

/**
 * Rate and batch size of a scenario's replay. One to be SIGKILLed half-way is slowed, and cut in
 * batches, so that it lasts {@link KILLED_REPLAY_MIN_SECONDS} and prints progress (every 2 s)
 * before its end, however few dead letters the outage left (the commerce pipeline's fraud stage
 * dead-letters a few hundred where the CDR enrichment dead-letters thousands).
 */
function replayPacing(
  replay: ScenarioSpec['replay'],
  ranges: ReadonlyArray<{ start: number; end: number }>,
): { rate: number; batchSize?: number } {
  const rate = replay?.rate ?? 2_000;
  if (replay?.killAt === undefined) return { rate };
  const records = ranges.reduce((n, r) => n + r.end - r.start, 0);
  return {
    rate: Math.max(1, Math.min(rate, Math.floor(records / KILLED_REPLAY_MIN_SECONDS))),
    batchSize: Math.max(1, Math.ceil(records / (2 * KILLED_REPLAY_MIN_SECONDS))),
  };
}

/**
 * Runs one scenario on the private stack and checks it.
 * @example const row = await runScenario(env, CDR_FAULT_PIPELINE, { name: 'worker-kill', count: 5000, rate: 1000, inject });
 */
export async function runScenario(
  env: FaultEnvironment,
  pipeline: FaultPipeline,
  spec: ScenarioSpec,
): Promise<ScenarioResult> {
  const { log, admin, kafka } = env;
  const definition = pipeline.definition;
  const keyspace = keyspaceOf(pipeline);
  await withCassandra((c) => truncateTables(c, keyspace, pipeline.tables));
  const terminals = (pipeline.terminals ?? []).map((terminal) => terminal({ kafka, admin }));
  // A seed of its own per scenario where the stores keep ids a TRUNCATE does not clear.
  const seed = spec.seed ?? (pipeline.reseedEachScenario ? Date.now() % 2_147_483_647 : undefined);
  const run = seed === undefined ? spec : { ...spec, seed };
  const rejectTopics = [definition.rejectTopic];
  const dlqTopics = definition.deadLetterTopics;
  // Backlog of earlier scenarios is drained by the main job before its window: these snapshots
  // are taken after it, when the window opens (below); the drain runs after the replay count too.
  let rejectedFrom: EndOffsets | undefined;
  let dlqFrom: EndOffsets | undefined;
  let entryFrom: EndOffsets | undefined;
  const entryTopics = definition.stages[0]!.sourceTopics;

  let load: LocalRunLoad | undefined;
  let produced = 0;
  let generationOver = false;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const release = () => {
    for (const w of waiters.splice(0)) {
      if (produced >= w.n || generationOver) w.resolve();
      else waiters.push(w);
    }
  };
  let workers: StageWorkerMap | undefined;
  let windowOpened!: () => void;
  let windowIsOpen = false;
  const windowOpen = new Promise<void>((r) => {
    windowOpened = () => {
      windowIsOpen = true;
      r();
    };
  });
  let fault: Promise<FaultOutcome | undefined> = Promise.resolve(undefined);
  const timeline = startTimeline({
    kafka,
    admin,
    definition,
    stackPids: () => env.stack.pids(),
    workers: () => workers,
    ...(spec.sampleMs ? { intervalMs: spec.sampleMs } : {}),
  });
  setRunObserver({
    onLoad: (l) => {
      load = l;
    },
    // Awaited before the first record is produced: the snapshots see none of this run's records.
    onWindowOpen: async () => {
      // Again, now that the main job has drained what earlier scenarios left on the topics: the
      // backlog of one that aborted (a failed generation) lands after the first TRUNCATE and
      // would count as rows this run never generated.
      await withCassandra((c) => truncateTables(c, keyspace, pipeline.tables));
      rejectedFrom = await endOffsets(admin, rejectTopics);
      dlqFrom = await endOffsets(admin, dlqTopics);
      entryFrom = await endOffsets(admin, entryTopics);
      for (const t of terminals) await t.windowOpen();
      workers = new StageWorkerMap(definition.stages.map((s) => s.name));
      windowOpened();
    },
    onProduced: (total) => {
      produced = total;
      release();
    },
    // A fault that failed (a component that did not come back) fails the main job with its reason.
    // Then the store clients get time to reconnect to a restarted component: the main job's
    // Cassandra client retries a node that was down at most 5 s apart (shared/storage/cassandra/client.ts).
    beforeLanded: async () => {
      generationOver = true;
      release();
      const outcome = await fault;
      const settle = outcome ? outcome.restoredAt + RECONNECT_SETTLE_MS - Date.now() : 0;
      if (settle > 0) await new Promise((r) => setTimeout(r, settle));
    },
  });
  const ctx = (): FaultContext => ({
    env,
    pipeline,
    workers: workers!,
    produced: () => produced,
    waitProduced: (n) =>
      new Promise<void>((resolve) => {
        waiters.push({ n, resolve });
        release();
      }),
    log: (line) => log(`   [${spec.name}] ${line}`),
  });
  fault = windowOpen.then(() => spec.inject?.(ctx()));

  const started = Date.now();
  let report: MainJobReport;
  let outcome: FaultOutcome | undefined;
  try {
    report = await phase(spec.name, 'main job', () =>
      withWorkerEnv(spec.workerEnv, () => mainJob(pipeline, run, log)),
    );
    outcome = await fault;
  } catch (error) {
    generationOver = true;
    release();
    // A main job that failed before its window opened (or in the opening) never starts the fault.
    if (windowIsOpen) await fault.catch(() => undefined);
    await timeline.stop();
    // A main job that failed mid-run (its generation, say) leaves its stage workers running, and
    // they would hold the consumer groups' partitions in the next scenario: end them (this
    // process's own children).
    const leftovers = stageWorkerPids();
    for (const pid of leftovers) process.kill(pid, 'SIGKILL');
    if (leftovers.length > 0)
      log(`   ${spec.name}: ${leftovers.length} stage worker(s) left by the failed main job SIGKILLed`);
    throw error;
  } finally {
    setRunObserver({});
  }
  if (!load || !rejectedFrom || !dlqFrom || !entryFrom)
    throw new Error(`${spec.name}: the main job never opened its window`);
  const dlqAfterRun = await endOffsets(admin, dlqTopics);
  // Records the entry topics received: more than generated means the generator's produce wrote
  // some twice (a retried request), which the reject topic then shows as two rejects.
  const entryRecords = recordsBetween(entryFrom, await endOffsets(admin, entryTopics));

  // Replay what was dead-lettered (a child process, killed half-way if asked), then drain.
  const notes = [...(outcome?.notes ?? [])];
  const replays: ReplayCliResult[] = [];
  let replayed = 0;
  const replayTargetsBefore = await replayTargetOffsets(admin, definition);
  const replayStarted = Date.now();
  for (const topic of dlqTopics) {
    const ranges = rangesOf(topic, dlqFrom, dlqAfterRun);
    if (ranges.length === 0) continue;
    const jobId = `faults-${spec.name}-${topic}-${started}`.replace(/[^A-Za-z0-9._:-]/g, '-');
    const request = {
      pipeline: definition.name,
      jobId,
      source: topic,
      ranges,
      ...replayPacing(spec.replay, ranges),
      ...(spec.replay?.env ? { env: spec.replay.env } : {}),
    };
    let result = await phase(spec.name, 'replay', () =>
      runReplayCli({ ...request, ...(spec.replay?.killAt ? { killAt: spec.replay.killAt } : {}) }),
    );
    replays.push(result);
    if (spec.replay?.killAt !== undefined && result.killedAt === undefined)
      notes.push(
        `replay ${jobId} ended (${result.summary?.total.republished ?? 0} republished) before it could be SIGKILLed at ${(spec.replay.killAt * 100).toFixed(0)} %: the kill was not exercised`,
      );
    if (result.killedAt !== undefined) {
      notes.push(
        `replay ${jobId} SIGKILLed at ${(result.killedAt * 100).toFixed(0)} % of its offsets, resumed`,
      );
      const resumed = await phase(spec.name, 'resumed replay', () => resumeReplay(request));
      result = resumed.result;
      if (resumed.waitedMs > 0)
        notes.push(
          `the resumed replay waited ${(resumed.waitedMs / 1000).toFixed(0)} s for the killed invocation's lease to expire`,
        );
      replays.push(result);
    }
    replayed += result.summary?.total.republished ?? 0;
  }
  const replayedOnTopics = await countReplayed(
    kafka,
    replayTargetsBefore,
    await replayTargetOffsets(admin, definition),
  );
  const replayMs = replays.length > 0 ? Date.now() - replayStarted : 0;
  if (replays.length > 0) {
    log(`== ${spec.name}: draining the replayed records`);
    const drain = await phase(spec.name, 'drain after the replay', () =>
      mainJob(pipeline, { ...run, count: 0 }, log, pipeline.drainLoadOptions),
    );
    if (drain.stalled)
      notes.push(`the drain after the replay stalled${drain.stall ? `: ${describeStall(drain.stall)}` : ''}`);
  }
  await timeline.stop();

  // The independent check.
  const rejectedAfter = await endOffsets(admin, rejectTopics);
  const dlqAfter = await endOffsets(admin, dlqTopics);
  const entrySet = new Set(entryTopics);
  // Dead letters first: a reject of a replayed copy is then known as the original it republished.
  const replayedOriginals: ReplayedOriginals = new Map();
  const deadLetters = await tallyOriginals(
    kafka,
    dlqFrom,
    dlqAfterRun,
    entrySet,
    definition,
    replayedOriginals,
  );
  const rejected = await tallyOriginals(
    kafka,
    rejectedFrom,
    rejectedAfter,
    entrySet,
    definition,
    replayedOriginals,
  );
  const lateDeadLetters = recordsBetween(dlqAfterRun, dlqAfter);
  const expected = load.expected;
  const tables = [
    ...(await withCassandra((c) =>
      Promise.all(
        pipeline.tables.map(async (t) => ({ count: await scanTable(c, keyspace, t), holds: t.holds })),
      ),
    )),
    ...(await Promise.all(
      terminals.map(async (t) => ({ count: await t.scan(expected), holds: (id: string) => t.holds(id) })),
    )),
  ];
  const { duplicates, extra, missingIn, stored: storedEverywhere, copiesIn } = checkStored(expected, tables);
  const storedIds = storedEverywhere.size;
  const stored = storedIds + load.duplicatesAmong(storedEverywhere);
  // The replay republishes every original a dead-letter topic holds, copies included: the
  // distinct records it brought home are those minus the originals it did not republish.
  const republished = replayed;
  const notRepublished = Math.max(0, deadLetters.distinct + deadLetters.copies - republished);
  replayed = Math.max(0, deadLetters.distinct - notRepublished);
  const waiting = deadLetters.distinct - replayed + lateDeadLetters;
  const missingIds = expected.size - storedIds;
  /** A few of the ids with no row, so that a loss can be traced through the pipeline's topics. */
  const unstoredSample = [...expected.keys()].filter((id) => !storedEverywhere.has(id)).slice(0, 20);
  const lost = Math.max(0, missingIds - waiting);
  const lossTrace = lost > 0 ? await traceLoss(kafka, admin, unstoredSample) : undefined;
  // Generated on Kafka, plus what the load's HTTP driver entered (orders the ORDER API accepted).
  const generated = recordsIn(report);
  const exact =
    generated === stored + rejected.distinct + (deadLetters.distinct - replayed) &&
    duplicates + extra === 0 &&
    lost === 0 &&
    lateDeadLetters === 0 &&
    !report.stalled;
  const recovered = outcome
    ? recoveryMs(timeline.samples, outcome.injectedAt, outcome.restoredAt)
    : undefined;
  if (rejected.copies > 0)
    notes.push(
      `${rejected.copies} rejected record(s) written twice (at-least-once redelivery), counted once`,
    );
  for (const [place, copies] of Object.entries(copiesIn))
    notes.push(`${copies} record copies on ${place} (an at-least-once topic; counted once)`);
  if (deadLetters.copies > 0) notes.push(`${deadLetters.copies} dead letter(s) written twice, counted once`);
  if (replayedOnTopics.records !== replayedOnTopics.distinct)
    notes.push(
      `${replayedOnTopics.records - replayedOnTopics.distinct} replayed record(s) republished twice`,
    );
  if (entryRecords !== report.generated)
    notes.push(`the entry topics received ${entryRecords} records for ${report.generated} generated`);
  if (lateDeadLetters > 0) notes.push(`${lateDeadLetters} record(s) dead-lettered again after the replay`);
  if (report.stalled)
    notes.push(`the main job stalled${report.stall ? `: ${describeStall(report.stall)}` : ''}`);
  return {
    scenario: spec.name,
    pipeline: definition.name,
    generated,
    stored,
    rejected: rejected.distinct,
    deadLettered: deadLetters.distinct,
    replayed,
    duplicates: duplicates + extra,
    lost,
    ...(recovered !== undefined ? { recoveryMs: recovered } : {}),
    exact,
    notes,
    details: {
      refusedByBroker: report.refusedByBroker,
      ...(report.drive ? { enteredByHttp: report.drive.entered, sentByHttp: report.drive.sent } : {}),
      expectedByOutcome: report.expectedByOutcome,
      expectedIds: expected.size,
      seed: run.seed,
      rowsPerTable: Object.fromEntries(
        tables.map(({ count: t }) => [
          t.table,
          { rows: t.rows, ids: t.ids.size, ...(t.copies ? { copies: t.copies } : {}) },
        ]),
      ),
      missingIn,
      ...(unstoredSample.length > 0 ? { unstoredSample } : {}),
      ...(lossTrace ? { lossTrace } : {}),
      extraRows: extra,
      rejectedRecords: rejected.records,
      rejectedByReason: rejected.byReason,
      rejectedByStage: rejected.byStage,
      entryRecords,
      deadLetterRecords: deadLetters.records,
      deadLettersByReason: deadLetters.byReason,
      deadLettersByStage: deadLetters.byStage,
      replayedOnTopics,
      republished,
      replayMs,
      replays: replays.map((r) => ({
        durationMs: r.durationMs,
        killedAt: r.killedAt,
        total: r.summary?.total,
      })),
      mainJob: {
        stored: report.stored,
        rejected: report.rejected,
        dlq: report.dlq,
        stalled: report.stalled,
        pipelineErrors: report.pipelineErrors,
        pipelineErrorsByMessage: report.pipelineErrorsByMessage,
        workerPeakRssMb: report.workerPeakRssMb,
        workerRestarts: report.workerRestarts,
        generationMs: report.generationMs,
      },
      fault: outcome
        ? { faults: outcome.faults, injectedAt: outcome.injectedAt, restoredAt: outcome.restoredAt }
        : undefined,
      durationMs: Date.now() - started,
    },
    timeline: timeline.samples,
  };
}
