/**
 * Runs `orion replay` as a child process (as an operator does), so that a replay can be SIGKILLed
 * half-way and resumed with the same job id; and counts what a replay republished on the stages'
 * source topics (records carrying a replay id, and distinct ids), the evidence that a resumed job
 * republished nothing twice.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { REPO_ROOT } from '../../../localstack/embedded/paths.ts';
import {
  type EndOffsets,
  endOffsets,
  forEachRecordBetween,
} from '../../../localstack/main-job/topic-window.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/types.ts';
import { REPLAY_HEADER } from '../../../shared/replay/constants.ts';
import type { ReplaySummary } from '../../../shared/replay/summary.ts';

/** Options of {@link runReplayCli}. */
export interface ReplayCliOptions {
  readonly pipeline: string;
  readonly jobId: string;
  readonly source: string;
  /** Offsets `[start, end)` per partition of `source`. */
  readonly ranges: ReadonlyArray<{ partition: number; start: number; end: number }>;
  /** Records republished per second. */
  readonly rate: number;
  /** Records per produce and checkpoint. @default the replay's own */
  readonly batchSize?: number;
  /** SIGKILL the replay once this share of its offsets is done (0–1); unset: let it finish. */
  readonly killAt?: number;
  /** Variables added to the replay process's environment (e.g. `REPLAY_LEASE_MS`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** How one replay process ended. */
export interface ReplayCliResult {
  /** The summary it printed (`--json`), unless it was killed. */
  readonly summary?: ReplaySummary;
  /** Share of offsets done when it was killed. */
  readonly killedAt?: number;
  readonly durationMs: number;
}

/**
 * Runs one `orion replay --json` process against the stack `process.env` points at.
 * @example await runReplayCli({ pipeline: 'cdr', jobId: 'f-1', source: 'cdr.dlq', ranges, rate: 500 })
 */
export function runReplayCli(options: ReplayCliOptions): Promise<ReplayCliResult> {
  const offsets = options.ranges
    .filter((r) => r.end > r.start)
    .map((r) => `${r.partition}:${r.start}-${r.end}`)
    .join(',');
  const args = [
    join(REPO_ROOT, 'bin/orion.mjs'),
    'replay',
    '--pipeline',
    options.pipeline,
    '--job',
    options.jobId,
    '--source',
    options.source,
    '--offsets',
    offsets,
    '--rate',
    String(options.rate),
    ...(options.batchSize ? ['--batch-size', String(options.batchSize)] : []),
    '--json',
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killedAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.killAt === undefined || killedAt !== undefined) return;
      // Progress lines: `[###…] 42% 840/2000 offsets · …`
      for (const m of chunk.toString().matchAll(/(\d+)\/(\d+) offsets/g)) {
        const ratio = Number(m[1]) / Math.max(1, Number(m[2]));
        if (ratio >= options.killAt && ratio < 1) {
          killedAt = ratio;
          child.kill('SIGKILL');
          break;
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const durationMs = Date.now() - started;
      if (killedAt !== undefined && signal === 'SIGKILL') return resolve({ killedAt, durationMs });
      if (code !== 0) {
        return reject(
          new Error(
            `orion replay exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
      }
      try {
        resolve({ summary: JSON.parse(stdout) as ReplaySummary, durationMs });
      } catch {
        reject(new Error(`orion replay printed no JSON summary: ${stdout.slice(0, 300)}`));
      }
    });
  });
}

/** The topics a replay republishes to: every stage's source topics. */
export function replayTargetTopics(definition: PipelineDefinition): string[] {
  return [...new Set(definition.stages.flatMap((s) => s.sourceTopics))];
}

/**
 * Records carrying a replay id on `topics` between two snapshots, and their distinct ids.
 * @example const { records, distinct } = await countReplayed(kafka, before, await endOffsets(admin, topics));
 */
export async function countReplayed(
  kafka: Kafka,
  before: EndOffsets,
  after: EndOffsets,
): Promise<{ records: number; distinct: number }> {
  const ids = new Set<string>();
  let records = 0;
  await forEachRecordBetween(kafka, before, after, (r) => {
    const id = r.headers[REPLAY_HEADER.id];
    if (id === undefined) return;
    records++;
    ids.add(id.toString());
  });
  return { records, distinct: ids.size };
}

/** End offsets of the replay's target topics (before a replay). */
export function replayTargetOffsets(admin: Admin, definition: PipelineDefinition): Promise<EndOffsets> {
  return endOffsets(admin, replayTargetTopics(definition));
}
