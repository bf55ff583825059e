/**
 * `npm run bench:pipeline`: the whole local CDR pipeline (raw produce → row in Cassandra) measured
 * in one run, the current tree beside a baseline commit (default the previous one) on the same
 * machine and the same running stack, with the broker's own ceiling:
 *
 *   flock /tmp/orion-heavy.lock npm run bench:pipeline -- [--count 60000] [--default-count 20000]
 *     [--default-rate 1000] [--half-rate-seconds 20] [--ceiling-records 500000]
 *     [--baseline HEAD~1 | --no-baseline]
 *
 * 1. Broker ceiling: Kafka's `ProducerPerformance`, acks=all, snappy, idempotent, 300-byte records
 *    (about a raw CDR) to a throwaway 10-partition topic.
 * 2. Three loads, each run by the baseline then by the current tree, alternating so that drift of
 *    the shared machine hits both alike: full speed (`--count` CDRs, rate 0) → sustained CDR/s;
 *    the default rate (`npm start`'s `MAIN_JOB_DEFAULTS` count and rate) → latency; half the
 *    current tree's full-speed rate for `--half-rate-seconds` → latency under a sustainable load.
 *    Both commits get the same count, rate and seed. Every run is a fresh process
 *    (`support/main-job-driver.ts`) running that tree's own `runMainJob` over its own defaults;
 *    the baseline is a git worktree under `/tmp/orion-bench-baseline/<sha>` (`support/baseline-worktree.ts`).
 * 3. Per run: P50/P95/P99 (produce acknowledged → row stored), CDR/s, CPU µs per CDR of every
 *    process (stage workers, main process with the generator, Kafka, Cassandra, DynamoDB Local),
 *    worker peak RSS, and whether the accounting holds (stored + rejected + dlq = generated).
 * 4. Keyspaces write units and encoded bytes per stored CDR (`support/storage-footprint.ts`): the
 *    last `--footprint-sample` enriched CDRs on `cdr.enriched` (what the last run stored), the same
 *    sample through each tree's own footprint function when it has one.
 *
 * "Current" is the work tree as it is (a `+` after its hash when it has uncommitted changes). The
 * stack's consumer groups are shared, so no other main job may run meanwhile: run it under the
 * heavy lock. Default sizes: about 7 minutes on the idle 2-core machine; with 100,000 CDRs and
 * 30 s at half rate it took 17 minutes at a load average of 20.
 *
 * Prints a comparison table (current, baseline, Δ %) and writes everything, the raw reports
 * included, to `test/bench/results/pipeline-<timestamp>.json`. Child logs go to
 * `/tmp/orion-bench-pipeline/<timestamp>/`. Figures, not a pass/fail test.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../localstack/embedded/paths.ts';
import { localKafkaBrokers, stackUp } from '../../localstack/embedded/stack.ts';
import { MAIN_JOB_DEFAULTS } from '../../localstack/main-job/main-job.ts';
import { createKafka } from '../../shared/kafka/client.ts';
import {
  type BaselineCheckout,
  commitOf,
  ensureBaselineWorktree,
  workTreeDirty,
} from './support/baseline-worktree.ts';
import { exitOnHelp, flagOption, numberOption, stringOption } from './support/cli.ts';
import { runMainJobChild } from './support/main-job-child.ts';
import {
  accountingLine,
  type CommitFigures,
  comparisonRows,
  type RunFigures,
  type RunMode,
  runFigures,
} from './support/pipeline-figures.ts';
import { runProducerPerformance } from './support/producer-performance.ts';
import { benchEnvironment, writeBenchResult } from './support/results.ts';
import { type StorageFootprint, sampleEnrichedCdrs, storageFootprint } from './support/storage-footprint.ts';
import { fmt, formatTable } from './support/table.ts';

const USAGE = `
flock /tmp/orion-heavy.lock npm run bench:pipeline -- [--count 60000] [--default-count ${MAIN_JOB_DEFAULTS.count}]
  [--default-rate ${MAIN_JOB_DEFAULTS.rate}] [--half-rate-seconds 20] [--ceiling-records 500000]
  [--footprint-sample 2000] [--baseline HEAD~1 | --no-baseline]
`;

/** Kafka's ProducerPerformance on a throwaway 10-partition topic, 300-byte records. */
async function brokerCeiling(brokers: readonly string[], records: number) {
  const kafka = createKafka({ brokers, auth: 'none', clientId: 'bench-ceiling' });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench.ceiling.${randomUUID().slice(0, 8)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 10 }] });
  try {
    const { line, recordsPerSecond, mbPerSecond, p99Ms, cpuSeconds } = await runProducerPerformance({
      brokers,
      topic,
      records,
      payload: { recordSize: 300 },
    });
    return { line, recordsPerSecond, mbPerSecond, p99Ms, cpuSeconds };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** One tree to measure. */
interface Tree {
  readonly name: 'current' | 'baseline';
  readonly root: string;
  readonly sha: string;
  readonly subject: string;
}

/** One run of the bench, as recorded in the JSON file. */
interface BenchRun {
  readonly tree: Tree['name'];
  readonly mode: RunMode;
  readonly count: number;
  readonly rate: number;
  readonly seed: number;
  readonly wallMs: number;
  readonly figures?: RunFigures;
  readonly error?: string;
  readonly report?: unknown;
}

const SEEDS: Record<RunMode, number> = { full: 1, default: 2, half: 3 };
const MODE_TITLE: Record<RunMode, string> = {
  full: 'full speed',
  default: 'default rate',
  half: 'half rate',
};

async function main(): Promise<void> {
  exitOnHelp(USAGE);
  const count = numberOption('count', 60_000);
  const defaultCount = numberOption('default-count', MAIN_JOB_DEFAULTS.count);
  const defaultRate = numberOption('default-rate', MAIN_JOB_DEFAULTS.rate);
  const halfRateSeconds = numberOption('half-rate-seconds', 20);
  const ceilingRecords = numberOption('ceiling-records', 500_000);
  const footprintSample = numberOption('footprint-sample', 2_000);
  const baselineRev = flagOption('no-baseline') ? undefined : stringOption('baseline', 'HEAD~1');

  const env = benchEnvironment();
  const logDir = join('/tmp/orion-bench-pipeline', env.at.replaceAll(':', '-'));
  mkdirSync(logDir, { recursive: true });
  const head = commitOf(REPO_ROOT, 'HEAD');
  const dirty = workTreeDirty(REPO_ROOT);
  const current: Tree = { name: 'current', root: REPO_ROOT, ...head };
  let checkout: BaselineCheckout | undefined;
  if (baselineRev) checkout = ensureBaselineWorktree(REPO_ROOT, baselineRev);
  const baseline: Tree | undefined = checkout && {
    name: 'baseline',
    root: checkout.root,
    sha: checkout.sha,
    subject: checkout.subject,
  };
  console.log(
    `current   ${head.sha.slice(0, 10)} ${head.subject.slice(0, 90)}${dirty ? ' (+ uncommitted changes)' : ''}`,
  );
  console.log(
    baseline
      ? `baseline  ${baseline.sha.slice(0, 10)} ${baseline.subject.slice(0, 90)} (${baselineRev}; worktree ${baseline.root}${checkout?.reused ? ', reused' : ''})`
      : 'baseline  none (--no-baseline)',
  );
  console.log(`logs      ${logDir}`);

  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  await stackUp({ brokers: 1, log: () => {} });
  const brokers = localKafkaBrokers();

  console.log(`== broker ceiling: ProducerPerformance, ${fmt(ceilingRecords)} × 300 B, acks=all, snappy`);
  const ceiling = await brokerCeiling(brokers, ceilingRecords);
  console.log(`   ${ceiling.line}`);

  const runs: BenchRun[] = [];
  const trees = baseline ? [baseline, current] : [current];
  let step = 0;
  const steps = trees.length * 3;
  const runLoad = async (mode: RunMode, load: { count: number; rate: number }) => {
    for (const tree of trees) {
      step++;
      const what = `${fmt(load.count)} CDRs at ${load.rate > 0 ? `${fmt(load.rate)}/s` : 'full speed'}, seed ${SEEDS[mode]}`;
      process.stdout.write(`== [${step}/${steps}] ${tree.name.padEnd(8)} ${MODE_TITLE[mode]}: ${what} … `);
      const startedAt = Date.now();
      const base = { tree: tree.name, mode, ...load, seed: SEEDS[mode] };
      try {
        const report = await runMainJobChild({
          root: tree.root,
          ...load,
          seed: SEEDS[mode],
          logFile: join(logDir, `${tree.name}-${mode}.log`),
          reportFile: join(logDir, `${tree.name}-${mode}.json`),
        });
        const figures = runFigures(report);
        runs.push({ ...base, wallMs: Date.now() - startedAt, figures, report });
        console.log(
          `${((Date.now() - startedAt) / 1000).toFixed(0)} s: generated ${fmt(figures.generatedPerSecond)}/s, ${fmt(figures.cdrPerSecond)} CDR/s end to end, ` +
            `P99 ${fmt(figures.latencyMs.p99)} ms, ${fmt(figures.cpuMicrosPerCdr)} µs CPU/CDR, accounting ${figures.accounting}`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        runs.push({ ...base, wallMs: Date.now() - startedAt, error: message });
        console.log(`FAILED: ${message}`);
      }
    }
  };
  const figuresOf = (tree: Tree['name'], mode: RunMode) =>
    runs.find((r) => r.tree === tree && r.mode === mode)?.figures;

  await runLoad('full', { count, rate: 0 });
  // Half of the current tree's full speed; of the baseline's when the current run failed.
  const halfOf = figuresOf('current', 'full')?.cdrPerSecond !== undefined ? 'current' : 'baseline';
  const fullRate = figuresOf(halfOf, 'full')?.cdrPerSecond;
  if (fullRate === undefined) throw new Error(`no full-speed run measured a rate; see ${logDir}`);
  await runLoad('default', { count: defaultCount, rate: defaultRate });
  const halfRate = Math.max(1, Math.round(fullRate / 2));
  await runLoad('half', { count: Math.max(1, Math.round(halfRate * halfRateSeconds)), rate: halfRate });

  const sample = await sampleEnrichedCdrs(brokers, footprintSample);
  console.log(
    `== storage footprint: the last ${fmt(sample.length)} enriched CDRs on cdr.enriched (stored by the last run)`,
  );
  const footprints: Partial<Record<Tree['name'], StorageFootprint>> = {};
  for (const tree of trees) {
    const footprint = await storageFootprint(tree.root, sample);
    footprints[tree.name] = footprint;
    console.log(`   ${tree.name.padEnd(8)} ${footprint.note}`);
  }

  const commitFigures = (tree: Tree['name']): CommitFigures => {
    const fp = footprints[tree];
    return {
      runs: Object.fromEntries(
        (['full', 'default', 'half'] as const).flatMap((m) => {
          const f = figuresOf(tree, m);
          return f ? [[m, f]] : [];
        }),
      ),
      ...(fp?.writeUnitsPerCdr !== undefined ? { writeUnitsPerCdr: fp.writeUnitsPerCdr } : {}),
      ...(fp?.bytesPerCdr !== undefined ? { bytesPerCdr: fp.bytesPerCdr } : {}),
      ...(fp?.storageBytesPerCdr !== undefined ? { storageBytesPerCdr: fp.storageBytesPerCdr } : {}),
    };
  };
  const loads = {
    full: `${fmt(count)} CDRs, as fast as it goes`,
    default: `${fmt(defaultCount)} CDRs at ${fmt(defaultRate)}/s (npm start)`,
    half: `${fmt(Math.round(halfRate * halfRateSeconds))} CDRs at ${fmt(halfRate)}/s (½ of ${halfOf}'s full speed)`,
  };
  const rows = comparisonRows(
    commitFigures('current'),
    baseline ? commitFigures('baseline') : undefined,
    loads,
  );
  const table = formatTable(
    [
      '',
      `current ${head.sha.slice(0, 7)}${dirty ? '+' : ''}`,
      `baseline ${baseline?.sha.slice(0, 7) ?? '—'}`,
      'Δ',
    ],
    rows,
  );

  const file = writeBenchResult('pipeline', {
    ...env,
    options: {
      count,
      defaultCount,
      defaultRate,
      halfRateSeconds,
      halfRate,
      ceilingRecords,
      footprintSample,
      baselineRev,
    },
    current: { sha: head.sha, subject: head.subject, uncommittedChanges: dirty },
    baseline: baseline ? { rev: baselineRev, sha: baseline.sha, subject: baseline.subject } : null,
    ceiling,
    runs,
    footprints,
    table: rows,
  });

  const fullCurrent = figuresOf('current', 'full');
  console.log('\n== summary');
  console.log(
    `broker ceiling   ${fmt(ceiling.recordsPerSecond)} rec/s, ${fmt(ceiling.mbPerSecond, 1)} MiB/s (p99 ${ceiling.p99Ms} ms); ` +
      `current end to end at full speed = ${fullCurrent?.cdrPerSecond ? ((fullCurrent.cdrPerSecond / ceiling.recordsPerSecond) * 100).toFixed(1) : '—'} % of it`,
  );
  console.log(table);
  const failed = runs.filter((r) => r.error !== undefined || r.figures?.accounting !== 'holds');
  console.log(
    failed.length === 0
      ? `accounting holds in all ${runs.length} runs (stored + rejected + dlq = generated, none stalled)`
      : `accounting does NOT hold or the run failed in: ${failed.map((r) => `${r.tree} ${MODE_TITLE[r.mode]}${r.error ? ' (failed)' : r.figures ? ` (${accountingLine(r.figures)})` : ''}`).join('; ')}`,
  );
  console.log(`wrote ${file}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
