/**
 * `npm run bench:pipeline`: sustained end-to-end throughput and latency of the whole local
 * pipeline (raw produce → row in Cassandra), with the broker's own ceiling measured in the same
 * run by Kafka's producer performance tool (the `kafka-tools` jar of the embedded stack's Maven
 * artifacts). Writes `test/bench/results/pipeline.<timestamp>.json` and prints a summary.
 *
 *   npm run bench:pipeline -- [--count 1000000] [--half-rate-count 200000] [--ceiling-records 1000000]
 *
 * Runs: (1) the broker ceiling: `ProducerPerformance`, acks=all, snappy, 300-byte records (about a
 * raw CDR) to a throwaway 10-partition topic; (2) the main job at full speed on `--count` CDRs
 * across the ten countries (5 % invalid) → sustained CDR/s; (3) the main job at half that rate
 * on `--half-rate-count` CDRs → latency percentiles under a sustainable load. Each stage runs in
 * its own worker process (the main job's default); the report gives each worker's peak RSS, and
 * the CPU seconds of every process (workers, generator, Kafka, Cassandra, DynamoDB Local) from
 * first produce to idle: their sum per CDR is what bounds throughput on this machine, printed as
 * the "CPU ceiling" next to the broker's own.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveClasspath } from '../../localstack/embedded/maven.ts';
import { localKafkaBrokers, stackUp } from '../../localstack/embedded/stack.ts';
import { REPO_ROOT } from '../../localstack/esm/handler-loader.ts';
import { MAIN_JOB_DEFAULTS, runMainJob } from '../../localstack/main-job/main-job.ts';
import { accountingHolds, cpuCostPerRecord, type MainJobReport } from '../../localstack/main-job/report.ts';
import { createKafka } from '../../shared/kafka/client.ts';

const run = promisify(execFile);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Kafka's ProducerPerformance on a throwaway topic; returns its summary line parsed. */
async function brokerCeiling(brokers: readonly string[], records: number) {
  const kafka = createKafka({ brokers, auth: 'none', clientId: 'bench-ceiling' });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench.ceiling.${randomUUID().slice(0, 8)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 10 }] });
  try {
    const { classpathFile } = await resolveClasspath('kafka');
    const { stdout } = await run(
      'java',
      [
        '-Xmx512m',
        '-cp',
        readFileSync(classpathFile, 'utf8').trim(),
        'org.apache.kafka.tools.ProducerPerformance',
        '--topic',
        topic,
        '--num-records',
        String(records),
        '--record-size',
        '300',
        '--throughput',
        '-1',
        '--producer-props',
        `bootstrap.servers=${brokers.join(',')}`,
        'acks=all',
        'compression.type=snappy',
        'enable.idempotence=true',
        'linger.ms=5',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const last = stdout.trim().split('\n').pop() ?? '';
    // "1000000 records sent, 123456.7 records/sec (35.32 MB/sec), 12.3 ms avg latency, 400.0 ms max latency, 5 ms 50th, 40 ms 95th, 80 ms 99th, 120 ms 99.9th."
    const num = (re: RegExp) => Number(re.exec(last)?.[1] ?? Number.NaN);
    return {
      line: last,
      recordsPerSecond: num(/([\d.]+) records\/sec/),
      mbPerSecond: num(/\(([\d.]+) MB\/sec\)/),
      p99Ms: num(/(\d+) ms 99th/),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Runs the main job; the stage workers' peak RSS comes with its report. */
async function measuredRun(count: number, rate: number, seed: number) {
  const report = await runMainJob({ ...MAIN_JOB_DEFAULTS, count, rate, seed, log: () => {} });
  const workerRss = report.workerPeakRssMb ?? {};
  return { report, maxWorkerRssMb: Math.max(0, ...Object.values(workerRss)) };
}

function summarize(r: MainJobReport) {
  const processed = r.stored + r.rejected + r.dlq;
  return {
    generated: r.generated,
    stored: r.stored,
    rejected: r.rejected,
    dlq: r.dlq,
    accountingHolds: accountingHolds(r),
    stalled: r.stalled,
    endToEndMs: r.endToEndMs,
    cdrPerSecond: Math.round(processed / (Math.max(r.endToEndMs, 1) / 1000)),
    latencyMs: r.latency,
    workerPeakRssMb: r.workerPeakRssMb,
    cpuSeconds: r.cpuSeconds,
    ...cpuCostPerRecord(r),
  };
}

async function main(): Promise<void> {
  const count = arg('count', 1_000_000);
  const halfRateCount = arg('half-rate-count', 200_000);
  const ceilingRecords = arg('ceiling-records', 1_000_000);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  await stackUp({ brokers: 1, log: () => {} });
  const brokers = localKafkaBrokers();

  console.log(
    `== broker ceiling: ProducerPerformance, ${ceilingRecords.toLocaleString('en-US')} × 300 B, acks=all, snappy`,
  );
  const ceiling = await brokerCeiling(brokers, ceilingRecords);
  console.log(`   ${ceiling.line}`);

  console.log(`== full speed: ${count.toLocaleString('en-US')} CDRs, ten countries, 5 % invalid`);
  const full = await measuredRun(count, 0, 1);
  const fullSummary = summarize(full.report);
  console.log(`   ${JSON.stringify(fullSummary)}`);

  const halfRate = Math.max(1, Math.round(fullSummary.cdrPerSecond / 2));
  console.log(`== half rate: ${halfRateCount.toLocaleString('en-US')} CDRs at ${halfRate}/s`);
  const half = await measuredRun(halfRateCount, halfRate, 2);
  const halfSummary = summarize(half.report);
  console.log(`   ${JSON.stringify(halfSummary)}`);

  const result = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    ceiling,
    fullSpeed: fullSummary,
    halfRate: { rate: halfRate, ...halfSummary },
    targets: {
      endToEndCdrPerSecond: { target: 20_000, measured: fullSummary.cdrPerSecond },
      p99AtHalfRateMs: { target: 500, measured: halfSummary.latencyMs.p99 },
      workerRssMb: { target: 300, measured: Math.max(full.maxWorkerRssMb, half.maxWorkerRssMb) },
      shareOfBrokerCeiling: fullSummary.cdrPerSecond / ceiling.recordsPerSecond,
      shareOfCpuCeiling: fullSummary.cdrPerSecond / Math.max(1, fullSummary.coreCeilingPerSecond),
    },
  };
  const dir = join(REPO_ROOT, 'test/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `pipeline.${result.at.replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log('\n== summary');
  console.log(
    `broker ceiling        ${Math.round(ceiling.recordsPerSecond).toLocaleString('en-US')} rec/s (p99 ${ceiling.p99Ms} ms)`,
  );
  console.log(
    `end to end            ${fullSummary.cdrPerSecond.toLocaleString('en-US')} CDR/s (${(result.targets.shareOfBrokerCeiling * 100).toFixed(1)} % of the ceiling; target 20,000)`,
  );
  console.log(
    `latency at ${halfRate}/s  p50 ${halfSummary.latencyMs.p50} ms, p95 ${halfSummary.latencyMs.p95} ms, p99 ${halfSummary.latencyMs.p99} ms (target p99 ≤ 500 ms)`,
  );
  console.log(
    `CPU ceiling           ${fullSummary.coreCeilingPerSecond.toLocaleString('en-US')} CDR/s: ${fullSummary.microsPerRecord} µs of CPU per CDR over ${result.cpus} cores ` +
      `(${Object.entries(fullSummary.cpuSeconds)
        .map(([name, s]) => `${name} ${s.toFixed(1)} s`)
        .join(', ')}); end to end reached ${(result.targets.shareOfCpuCeiling * 100).toFixed(0)} % of it`,
  );
  console.log(
    `worker RSS            max ${result.targets.workerRssMb.measured} MB (target ≤ 300 MB): ${Object.entries(
      fullSummary.workerPeakRssMb ?? {},
    )
      .map(([stage, mb]) => `${stage} ${mb}`)
      .join(', ')} MB at full speed`,
  );
  console.log(
    `accounting            full ${fullSummary.accountingHolds ? 'holds' : 'FAILS'}, half ${halfSummary.accountingHolds ? 'holds' : 'FAILS'}`,
  );
  console.log(`wrote ${file}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
