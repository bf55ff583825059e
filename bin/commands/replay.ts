/**
 * `orion replay`: runs the replay job (`shared/replay`, the same code as the `replay` Lambda)
 * locally against the stack (or `KAFKA_BROKERS` / `DYNAMODB_ENDPOINT`), with a progress bar on
 * stderr and the summary on stdout.
 */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { createReplayEnvironment, type ReplayEnvironment } from '../../shared/replay/environment.ts';
import { type ReplayProgress, runReplay } from '../../shared/replay/replay-job.ts';
import { parseReplayRequest, type ReplayRequestInput } from '../../shared/replay/request.ts';
import type { ReplayCounters, ReplaySummary } from '../../shared/replay/summary.ts';
import {
  deadLetterSourceOf,
  deadLetterTopicsHelp,
  type PipelineCommandOptions,
  pipelineOf,
  withPipelineOption,
} from './pipeline-option.ts';

/**
 * Replay clients for the CLI: the local stack's endpoints unless the environment names others.
 * @example const env = localReplayEnvironment(); try { … } finally { await env.close(); }
 */
export function localReplayEnvironment(): ReplayEnvironment {
  const e = localEndpoints(process.env);
  return createReplayEnvironment({
    ...process.env,
    KAFKA_BROKERS: e.kafkaBrokers.join(','),
    DYNAMODB_ENDPOINT: e.dynamodbEndpoint,
    KAFKA_CLIENT_ID: process.env.KAFKA_CLIENT_ID ?? 'orion-cli',
  });
}

interface ReplayOptions extends Partial<PipelineCommandOptions> {
  job: string;
  source: string;
  from?: string;
  to?: string;
  offsets?: string;
  reason?: string[];
  stage?: string[];
  sourceTopic?: string[];
  target?: string;
  maxReplays?: number;
  rate?: number;
  batchSize?: number;
  maxRecords?: number;
  dryRun?: boolean;
  json?: boolean;
}

const list = (v: string, previous: string[] = []) => [
  ...previous,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];
const int = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};

/**
 * Parses `--offsets 0:120-300,3:40-` (partition:start-end, end exclusive and optional).
 * @example parseOffsets('0:120-300,3:40-') // [{ partition: 0, start: 120, end: 300 }, { partition: 3, start: 40 }]
 */
export function parseOffsets(spec: string): Array<{ partition: number; start: number; end?: number }> {
  return spec.split(',').map((part) => {
    const m = part.trim().match(/^(\d+):(\d+)-(\d*)$/);
    if (!m) throw new Error(`--offsets: "${part}" is not partition:start-end (e.g. 0:120-300 or 3:40-)`);
    const [, p, s, e] = m;
    return { partition: Number(p), start: Number(s), ...(e ? { end: Number(e) } : {}) };
  });
}

/** The replay request the flags describe. */
export function requestFromOptions(o: ReplayOptions): ReplayRequestInput {
  if (o.offsets && (o.from || o.to)) throw new Error('use either --from/--to or --offsets, not both');
  const range = o.offsets
    ? { kind: 'offsets' as const, partitions: parseOffsets(o.offsets) }
    : o.from
      ? { kind: 'time' as const, from: o.from, ...(o.to ? { to: o.to } : {}) }
      : { kind: 'all' as const };
  if (o.to && !o.from) throw new Error('--to needs --from');
  const filter = {
    ...(o.reason?.length ? { reasons: o.reason } : {}),
    ...(o.stage?.length ? { stages: o.stage } : {}),
    ...(o.sourceTopic?.length ? { sourceTopics: o.sourceTopic } : {}),
  };
  return {
    jobId: o.job,
    source: o.source,
    range,
    filter,
    dryRun: Boolean(o.dryRun),
    ...(o.target ? { target: o.target } : {}),
    ...(o.maxReplays !== undefined ? { maxReplays: o.maxReplays } : {}),
    ...(o.rate !== undefined ? { ratePerSecond: o.rate } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    ...(o.maxRecords !== undefined ? { maxRecords: o.maxRecords } : {}),
  } as ReplayRequestInput;
}

/** A one-line progress bar for stderr. */
export function progressLine(p: ReplayProgress, startedMs: number, width = 30): string {
  const total = p.partitions.reduce((n, x) => n + (x.end - x.start), 0);
  const done = p.partitions.reduce((n, x) => n + (x.next - x.start), 0);
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * width);
  const seconds = Math.max(0.001, (Date.now() - startedMs) / 1000);
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ` +
    `${done}/${total} offsets · republished ${p.invocation.republished} · ${Math.round(p.invocation.read / seconds)} rec/s`
  );
}

function countersLine(c: ReplayCounters, dryRun: boolean): string {
  const s = c.skipped;
  return (
    `read ${c.read}, matched ${c.matched}, ${dryRun ? 'would republish' : 'republished'} ${c.republished}, skipped: ` +
    `filtered ${s.filtered}, loop guard ${s.loopGuard}, already done ${s.alreadyDone}, no target ${s.noTarget}`
  );
}

/** The human-readable summary. */
export function formatSummary(s: ReplaySummary): string {
  const lines = [
    `job ${s.jobId} on ${s.source}${s.dryRun ? ' (DRY RUN: nothing produced, no checkpoint)' : ''}: ` +
      (s.partial
        ? `PARTIAL (stopped: ${s.stoppedBecause}); run the same command again to continue`
        : 'complete'),
    `  this run: ${countersLine(s.invocation, s.dryRun)}`,
    `  job total: ${countersLine(s.total, s.dryRun)}`,
    `  duration: ${(s.durationMs / 1000).toFixed(1)} s`,
    '  PARTITION  START      END        NEXT       STATE',
    ...s.partitions.map(
      (p) =>
        `  ${String(p.partition).padEnd(9)}  ${String(p.start).padEnd(9)}  ${String(p.end).padEnd(9)}  ${String(p.next).padEnd(9)}  ${p.done ? 'done' : 'pending'}`,
    ),
  ];
  return lines.join('\n');
}

/** Registers `orion replay`. */
export function registerReplayCommands(program: Command): void {
  withPipelineOption(program.command('replay'))
    .description(
      "Republish records of a pipeline's dead-letter or reject topic to the topic they came from (resumable by --job; see docs/DLQ-RUNBOOK.md)",
    )
    .requiredOption('--job <id>', 'job id: the same id resumes the job and never republishes a record twice')
    .option('--source <topic>', `topic to read: ${deadLetterTopicsHelp()}`)
    .option('--from <time>', 'replay records written at or after this ISO-8601 time')
    .option('--to <time>', 'and before this time (default: now)')
    .option(
      '--offsets <spec>',
      'offset ranges instead of times: partition:start-end[,…] (end exclusive, optional)',
    )
    .option(
      '--reason <codes>',
      'only these reason codes / AWS conditions (comma-separated, repeatable)',
      list,
    )
    .option('--stage <names>', 'only records that failed in these stages', list)
    .option('--source-topic <topics>', 'only records that came from these topics', list)
    .option('--target <topic>', 'republish everything to this topic instead of each record’s source topic')
    .option('--max-replays <n>', 'loop guard: refuse records already replayed n times', int)
    .option('--rate <n>', 'records republished per second', int)
    .option('--batch-size <n>', 'records per produce and checkpoint', int)
    .option('--max-records <n>', 'stop (partial) after reading n records; run again to continue', int)
    .option('--dry-run', 'only count what would be republished')
    .option('--json', 'print the summary as JSON')
    .action(async (options: Omit<ReplayOptions, 'source'> & { source?: string }) => {
      const pipeline = pipelineOf(options);
      const source = deadLetterSourceOf(pipeline, options.source);
      const request = parseReplayRequest(requestFromOptions({ ...options, source }), pipeline);
      const env = localReplayEnvironment();
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const started = Date.now();
      const tty = process.stderr.isTTY;
      let lastLine = 0;
      let last: ReplayProgress | undefined;
      try {
        const deps = await env.deps({
          pipeline,
          signal: controller.signal,
          onProgress: (p) => {
            last = p;
            if (tty) process.stderr.write(`\r${progressLine(p, started)}`);
            else if (Date.now() - lastLine > 2_000) {
              lastLine = Date.now();
              process.stderr.write(`${progressLine(p, started)}\n`);
            }
          },
        });
        const summary = await runReplay(request, deps);
        if (tty) process.stderr.write('\n');
        else if (last) process.stderr.write(`${progressLine(last, started)}\n`);
        console.log(options.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await env.close();
      }
    });
}
