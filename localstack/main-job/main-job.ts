/**
 * The main job (`npm start`): the whole CDR pipeline on the local stack, end to end.
 * Stack up (reused when running) → topics apply → hot-storage schema → reference data → the four
 * stages behind the ESM emulator → a generated load across the ten countries → live progress →
 * a report with exact accounting (`stored + rejected + dlq = generated`).
 */
import { generateToKafka } from '../../bin/commands/generate.ts';
import { createKafka } from '../../shared/kafka/client.ts';
import { applyTopics } from '../../shared/kafka/topic-apply.ts';
import { clusterBrokerCount } from '../../shared/kafka/topic-describe.ts';
import {
  COUNTRY_CODES,
  type CountryCode,
  resolveTopics,
  STAGES,
  TOPIC,
} from '../../shared/pipeline/index.ts';
import { createCassandraClient } from '../../shared/storage/cassandra-client.ts';
import { cassandraConfigFromEnv } from '../../shared/storage/cassandra-config.ts';
import { createDynamoDbDocumentClient, dynamoDbConfigFromEnv } from '../../shared/storage/dynamodb-client.ts';
import { DEFAULT_REFERENCE_DATA_DIR, readReferenceFiles } from '../../shared/storage/reference-files.ts';
import { loadReferenceData } from '../../shared/storage/reference-loader.ts';
import { ensureReferenceTables } from '../../shared/storage/reference-table-setup.ts';
import { applyCdrSchema } from '../../shared/storage/schema-apply.ts';
import { localEndpoints } from '../embedded/endpoints.ts';
import { localKafkaBrokers, stackUp } from '../embedded/stack.ts';
import { readLag } from '../esm/lag.ts';
import { startPipeline } from '../esm/pipeline.ts';
import { ExpectedCdrs } from './expected-cdrs.ts';
import { summarizeLatencies } from './latency.ts';
import { lagPerStage, ProgressView } from './progress.ts';
import type { MainJobReport } from './report.ts';
import { lookupStoredAt, sampleStoredRows } from './stored-lookup.ts';
import { endOffsets, recordsBetween, tallyBetween } from './topic-window.ts';

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
  /** Give up when nothing moved for this long once generation is over. */
  readonly stallTimeoutMs: number;
  /** Progress and steps go here. */
  readonly log: (line: string) => void;
}

/** Defaults of the main job: a load the 2-core reference machine sustains with a low latency. */
export const MAIN_JOB_DEFAULTS: Omit<MainJobOptions, 'log' | 'seed'> = {
  count: 50_000,
  rate: 2_500,
  invalidRatio: 0.05,
  countries: COUNTRY_CODES,
  brokers: 1,
  bundled: false,
  stallTimeoutMs: 120_000,
};

const POLL_MS = 1_000;

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

  const endpoints = localEndpoints(process.env, options.brokers);
  const brokers = localKafkaBrokers();
  // What the handlers read at cold start, as the CDK stack sets it in AWS.
  process.env.KAFKA_BROKERS ??= brokers.join(',');
  process.env.CASSANDRA_CONTACT_POINTS ??= endpoints.cassandraContactPoints.join(',');
  process.env.CASSANDRA_LOCAL_DC ??= endpoints.cassandraDatacenter;
  process.env.DYNAMODB_ENDPOINT ??= endpoints.dynamodbEndpoint;
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

  const kafka = createKafka({ brokers, auth: 'none', clientId: 'orion-main-job' });
  const admin = kafka.admin();
  await admin.connect();
  const cassandraConfig = cassandraConfigFromEnv();
  const cassandra = await createCassandraClient(cassandraConfig);
  const dynamoConfig = dynamoDbConfigFromEnv();
  const dynamo = createDynamoDbDocumentClient(dynamoConfig);
  try {
    log('== topics apply');
    const brokerCount = await clusterBrokerCount(admin);
    const applied = await applyTopics(admin, resolveTopics(brokerCount));
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

    const rejectedBefore = await endOffsets(admin, TOPIC.rejected);
    const dlqBefore = await endOffsets(admin, TOPIC.dlq);

    log(
      `== pipeline: ${STAGES.map((s) => s.name).join(' → ')}${options.bundled ? ' (esbuild bundles)' : ''}`,
    );
    const pipelineErrors: unknown[] = [];
    const pipeline = await startPipeline({
      brokers,
      bundled: options.bundled,
      onError: (error) => pipelineErrors.push(error),
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

    const view = new ProgressView(STAGES.map((s) => s.name));
    let quietPolls = 0;
    let lastMovedAt = Date.now();
    let lastSignature = '';
    let stalled = false;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const [lag, rejectedNow, dlqNow] = await Promise.all([
        readLag(kafka, admin, STAGES, { withAge: false }),
        endOffsets(admin, TOPIC.rejected),
        endOffsets(admin, TOPIC.dlq),
      ]);
      const stages = pipeline.stageTotals();
      const lagByStage = lagPerStage(lag);
      const sample = {
        atMs: Date.now(),
        generated,
        generating,
        stages,
        lagByStage,
        rejected: recordsBetween(rejectedBefore, rejectedNow),
        dlq: recordsBetween(dlqBefore, dlqNow),
      };
      view.show(sample);
      const pending = Object.values(stages).reduce((n, t) => n + t.recordsPending, 0);
      const totalLag = Object.values(lagByStage).reduce((n, v) => n + v, 0);
      const signature = JSON.stringify([generated, totalLag, pending, sample.rejected, sample.dlq]);
      if (signature !== lastSignature) {
        lastSignature = signature;
        lastMovedAt = Date.now();
      }
      if (!generating && totalLag === 0 && pending === 0) {
        if (++quietPolls >= 2) break;
      } else quietPolls = 0;
      if (!generating && Date.now() - lastMovedAt > options.stallTimeoutMs) {
        stalled = true;
        break;
      }
    }
    const generationReport = await generation;
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
      stageTotals: pipeline.stageTotals(),
      sampleRows: samples,
      stalled,
      pipelineErrors: pipelineErrors.length,
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
