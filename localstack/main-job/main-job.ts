/**
 * The main job (`npm start`): the whole CDR pipeline on the local stack, end to end.
 * Stack up (reused when running) → topics apply → hot-storage schema → reference data → the four
 * stages behind the ESM emulator → a generated load across the ten countries → live progress →
 * a report with exact accounting (`stored + rejected + dlq = generated`).
 */

import { availableParallelism } from 'node:os';
import { createKafka } from '../../shared/kafka/client.ts';
import { applyTopics } from '../../shared/kafka/topic-apply.ts';
import { clusterBrokerCount } from '../../shared/kafka/topic-describe.ts';
import { resolveTopics } from '../../shared/pipeline/index.ts';
import { STAGES, TOPIC } from '../../shared/cdr/pipeline.ts';
import { COUNTRY_CODES, type CountryCode } from '../../shared/cdr/countries.ts';
import { createCassandraClient } from '../../shared/storage/cassandra-client.ts';
import { cassandraConfigFromEnv } from '../../shared/storage/cassandra-config.ts';
import { createDynamoDbDocumentClient, dynamoDbConfigFromEnv } from '../../shared/storage/dynamodb-client.ts';
import { DEFAULT_REFERENCE_DATA_DIR, readReferenceFiles } from '../../shared/storage/reference-files.ts';
import { loadReferenceData } from '../../shared/storage/reference-loader.ts';
import { ensureReferenceTables } from '../../shared/storage/reference-table-setup.ts';
import { applyCdrSchema } from '../../shared/storage/schema-apply.ts';
import { localStoreEnvironment } from '../embedded/endpoints.ts';
import { localKafkaBrokers, stackUp } from '../embedded/stack.ts';
import { readLag } from '../esm/lag.ts';
import { type RunningPipeline, type StageTotals, startPipeline } from '../esm/pipeline.ts';
import { startStageWorkers } from '../esm/stage-workers.ts';
import { generateToKafka } from '../load/generate-to-kafka.ts';
import { startCpuMeter } from './cpu-meter.ts';
import { ExpectedCdrs } from './expected-cdrs.ts';
import { summarizeLatencies } from './latency.ts';
import { ProgressView } from './progress.ts';
import type { MainJobReport } from './report.ts';
import { lookupStoredAt, sampleStoredRows } from './stored-lookup.ts';
import { endOffsets, recordsBetween, tallyBetween } from './topic-window.ts';
import { waitUntilIdle } from './wait-until-idle.ts';
import { TOPICS } from '../../shared/cdr/pipeline.ts';

/** Options of {@link runMainJob}. */
export interface MainJobOptions {
  /** Records to generate across the countries. */
  readonly count: number;
  /** Records per second (0: as fast as the producer goes). */
  readonly rate: number;
  readonly invalidRatio: number;
  readonly seed: number;
  readonly countries: readonly CountryCode[];
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
  /** Progress and steps go here. */
  readonly log: (line: string) => void;
}

/** Defaults of the main job: a load the 2-core reference machine sustains with a low latency. */
export const MAIN_JOB_DEFAULTS: Omit<MainJobOptions, 'log' | 'seed'> = {
  count: 20_000,
  rate: 1_000,
  invalidRatio: 0.05,
  countries: COUNTRY_CODES,
  brokers: 1,
  bundled: false,
  invocationsPerPoller: 3,
  stageWorkers: true,
  stallTimeoutMs: 120_000,
};

/**
 * Runs the main job and returns its report (the caller prints it).
 * @example const report = await runMainJob({ ...MAIN_JOB_DEFAULTS, seed: 42, log: console.log });
 */
export async function runMainJob(options: MainJobOptions): Promise<MainJobReport> {
  const { log } = options;
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
  // The stages get their endpoints from the emulator (`stageEnvironment`); this process's own
  // store clients read the same ones. process.env keeps the user's endpoints only, so a second
  // run in this process still sees the embedded stack as embedded.
  const storeEnvironment = { ...process.env, ...localStoreEnvironment() };
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

  const kafka = createKafka({ brokers, auth: 'none', clientId: 'orion-main-job' });
  const admin = kafka.admin();
  await admin.connect();
  const cassandraConfig = cassandraConfigFromEnv(storeEnvironment);
  const cassandra = await createCassandraClient(cassandraConfig);
  const dynamoConfig = dynamoDbConfigFromEnv(storeEnvironment);
  const dynamo = createDynamoDbDocumentClient(dynamoConfig);
  try {
    log('== topics apply');
    const brokerCount = await clusterBrokerCount(admin);
    const applied = await applyTopics(admin, resolveTopics(brokerCount, TOPICS));
    log(`   ${summarizeApply(applied)}`);

    log('== hot storage schema');
    await cassandra.connect();
    const schema = await applyCdrSchema(cassandra, { keyspace: cassandraConfig.keyspace });
    log(`   keyspace ${schema.keyspace}: ${schema.tables.join(', ')} (${schema.ms} ms)`);

    log('== reference data');
    await ensureReferenceTables(dynamo, dynamoConfig.tablePrefix);
    const loaded = await loadReferenceData(dynamo, readReferenceFiles(DEFAULT_REFERENCE_DATA_DIR), {
      prefix: dynamoConfig.tablePrefix,
    });
    log(`   ${loaded.map((r) => `${r.table}: ${r.items} items`).join(', ')}`);

    log(
      `== pipeline: ${STAGES.map((s) => s.name).join(' → ')}${options.bundled ? ' (esbuild bundles)' : ''}`,
    );
    const pipelineErrors: unknown[] = [];
    const pipelineOptions = {
      brokers,
      bundled: options.bundled,
      // Several batches in flight per poller (AWS allows up to 5 for Kafka): hides the produce and
      // Cassandra round trips, while never two batches of one partition (order is kept).
      invocationsPerPoller: options.invocationsPerPoller,
      onError: (error: unknown) => pipelineErrors.push(error),
    };
    const workers = options.stageWorkers ? await startStageWorkers(pipelineOptions) : undefined;
    const pipeline: RunningPipeline = workers ?? (await startPipeline(pipelineOptions));
    const view = new ProgressView(STAGES.map((s) => s.name));

    // Records left on the pipeline's topics by earlier runs are processed first, so that this
    // run's accounting starts from an idle pipeline and counts only its own records.
    const backlog = (await readLag(kafka, admin, STAGES, { withAge: false })).reduce((n, r) => n + r.lag, 0);
    if (backlog > 0) {
      log(
        `== draining ${backlog.toLocaleString('en-US')} record(s) left on the pipeline's topics by earlier runs`,
      );
      const drained = await waitUntilIdle({
        kafka,
        admin,
        pipeline,
        view,
        rejectedFrom: await endOffsets(admin, TOPIC.rejected),
        dlqFrom: await endOffsets(admin, TOPIC.dlq),
        producer: () => ({ generated: 0, generating: false }),
        stallTimeoutMs: options.stallTimeoutMs,
      });
      if (!drained) throw new Error('the backlog of earlier runs did not drain; see `npx orion lag`');
    }
    const rejectedBefore = await endOffsets(admin, TOPIC.rejected);
    const dlqBefore = await endOffsets(admin, TOPIC.dlq);
    const totalsBefore = pipeline.stageTotals();
    const cpuMeter = startCpuMeter({
      ...(workers ? { workers: () => workers.cpuMicros() } : {}),
      pids: Object.fromEntries(components.map((c) => [c.component, c.pids])),
    });

    const expected = new ExpectedCdrs();
    let generating = true;
    let generated = 0;
    log(
      `== generating ${options.count.toLocaleString('en-US')} CDRs over ${options.countries.length} countries ` +
        `at ${options.rate > 0 ? `${options.rate}/s` : 'full speed'}, ${(options.invalidRatio * 100).toFixed(1)} % invalid, seed ${options.seed}`,
    );
    const startedAt = Date.now();
    const generation = generateToKafka({
      brokers,
      countries: options.countries,
      count: options.count,
      rate: options.rate,
      speed: 1,
      invalidRatio: options.invalidRatio,
      seed: options.seed,
      onProduced: (records, at) => expected.add(records, at),
      onProgress: (r) => {
        generated = r.produced;
      },
    }).finally(() => {
      generating = false;
    });
    const idle = await waitUntilIdle({
      kafka,
      admin,
      pipeline,
      view,
      rejectedFrom: rejectedBefore,
      dlqFrom: dlqBefore,
      producer: () => ({ generated, generating }),
      stallTimeoutMs: options.stallTimeoutMs,
    });
    const generationReport = await generation;
    const cpuSeconds = cpuMeter.stop();
    await pipeline.stop();

    const rejectedAfter = await endOffsets(admin, TOPIC.rejected);
    const dlqAfter = await endOffsets(admin, TOPIC.dlq);
    const ids = [...expected.producedAt.keys()];
    const storedAt = await lookupStoredAt(cassandra, cassandraConfig.keyspace, ids);
    const latencies: number[] = [];
    let lastStoredAt = startedAt;
    for (const [id, at] of storedAt) {
      const producedAt = expected.producedAt.get(id)!;
      latencies.push(at - producedAt);
      if (at > lastStoredAt) lastStoredAt = at;
    }
    const rejected = await tallyBetween(kafka, TOPIC.rejected, rejectedBefore, rejectedAfter);
    const dlq = await tallyBetween(kafka, TOPIC.dlq, dlqBefore, dlqAfter);
    const samples = await sampleStoredRows(cassandra, cassandraConfig.keyspace, ids.slice(0, 3));

    const storedRecords = storedAt.size + expected.duplicatesAmong(storedAt);
    return {
      seed: options.seed,
      generated: generationReport.produced,
      refusedByBroker: generationReport.refusedByBroker,
      expectedByOutcome: generationReport.expected,
      stored: storedRecords,
      storedRows: storedAt.size,
      rejected: recordsBetween(rejectedBefore, rejectedAfter),
      rejectedByReason: rejected.byReason,
      rejectedByStage: rejected.byStage,
      dlq: recordsBetween(dlqBefore, dlqAfter),
      dlqByReason: dlq.byReason,
      latency: summarizeLatencies(latencies),
      generationMs: generationReport.durationMs,
      endToEndMs: lastStoredAt - startedAt,
      stageTotals: subtractTotals(pipeline.stageTotals(), totalsBefore),
      sampleRows: samples,
      stalled: !idle,
      pipelineErrors: pipelineErrors.length,
      ...(workers ? { workerPeakRssMb: workers.peakRssMb() } : {}),
      cpuSeconds,
      cores: availableParallelism(),
    };
  } finally {
    await Promise.allSettled([admin.disconnect(), cassandra.shutdown()]);
    dynamo.destroy();
  }
}

function summarizeApply(report: Awaited<ReturnType<typeof applyTopics>>): string {
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
