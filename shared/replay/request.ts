/**
 * The replay request: what the `replay` Lambda is invoked with and what `orion replay` builds
 * from its flags. Validated with zod against the pipeline's replay sources; defaults are applied
 * here so the rest of the job reads a complete request.
 */
import { z } from 'zod';
import { replaySourceTopicsOf } from '../pipeline/replay.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { REPLAY_DEFAULTS } from './constants.ts';
import { ReplayError } from './errors.ts';

/** An instant as ISO-8601 text or epoch milliseconds, parsed to epoch milliseconds. */
const instant = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

/** Records whose broker timestamp is in `[from, to)`. `to` defaults to "now" at job creation. */
const timeRange = z
  .object({ kind: z.literal('time'), from: instant, to: instant.optional() })
  .refine((r) => r.to === undefined || r.to > r.from, { message: 'range.to must be after range.from' });

/** Offsets `[start, end)` of one partition (`end` exclusive, as Kafka's end offset). */
const partitionRange = z
  .object({
    partition: z.number().int().nonnegative(),
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative().optional(),
  })
  .refine((r) => r.end === undefined || r.end >= r.start, { message: 'end must be ≥ start' });

/** Explicit offsets per partition; partitions not listed are not read. */
const offsetRange = z.object({
  kind: z.literal('offsets'),
  partitions: z
    .array(partitionRange)
    .min(1)
    .refine((ps) => new Set(ps.map((p) => p.partition)).size === ps.length, {
      message: 'a partition is listed twice',
    }),
});

/** Everything the topic holds when the job is created. */
const allRange = z.object({ kind: z.literal('all') });

/** Filters: a record is replayed only if it matches every filter given (each a set of accepted values). */
const filter = z
  .object({
    reasons: z.array(z.string().min(1)).min(1).optional(),
    stages: z.array(z.string().min(1)).min(1).optional(),
    /** Topics the original records were read from (e.g. one of several raw topics). */
    sourceTopics: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** The topics a pipeline lets an operator replay from: the first is a request's default `source`. */
export type ReplaySources = Pick<PipelineDefinition, 'replay' | 'deadLetterTopics' | 'rejectTopic'>;

/**
 * The replay request schema of a pipeline: `source` must be one of its replay source topics.
 * @example replayRequestSchema(pipeline).parse({ jobId: 'j' }).source // the pipeline's first DLQ
 */
export function replayRequestSchema(pipeline: ReplaySources) {
  const [first, ...rest] = replaySourceTopicsOf(pipeline);
  if (first === undefined)
    throw new ReplayError('INVALID_REQUEST', 'The pipeline has no topic to replay from');
  return z
    .object({
      /** Names the job: the same id resumes it, a new id starts a new one. */
      jobId: z
        .string()
        .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'jobId: 1–100 characters among A–Z a–z 0–9 . _ : -'),
      /** The dead-letter topic to read. */
      source: z.enum([first, ...rest]).default(first),
      range: z.discriminatedUnion('kind', [timeRange, offsetRange, allRange]).default({ kind: 'all' }),
      filter: filter.default({}),
      /** Republish every record to this topic instead of the source topic named in its headers. */
      target: z.string().min(1).optional(),
      /** Loop guard: refuse records already replayed this many times. */
      maxReplays: z.number().int().positive().default(REPLAY_DEFAULTS.maxReplays),
      /** Rate limit, records republished per second. */
      ratePerSecond: z.number().positive().default(REPLAY_DEFAULTS.ratePerSecond),
      /** Records per produce batch and checkpoint. */
      batchSize: z.number().int().min(1).max(10_000).default(REPLAY_DEFAULTS.batchSize),
      /** Only count what would be replayed: nothing is produced, no checkpoint is written. */
      dryRun: z.boolean().default(false),
      /** Stop (partial) after reading this many records in this invocation. */
      maxRecords: z.number().int().positive().optional(),
    })
    .strict();
}

/** The request schema's shape, whatever the pipeline (`source` is a topic name). */
type RequestSchema = ReturnType<typeof replayRequestSchema>;

/** A request as callers write it (defaults optional). */
export type ReplayRequestInput = z.input<RequestSchema>;
/** A validated request with defaults applied; instants are epoch milliseconds. */
export type ReplayRequest = z.output<RequestSchema>;
/** The filters of a request. */
export type ReplayFilter = ReplayRequest['filter'];

/**
 * Validates a replay request against the pipeline's replay sources and applies its defaults;
 * throws `ReplayError('INVALID_REQUEST')` listing every problem.
 *
 * @example
 * parseReplayRequest({ jobId: 'store-outage-0312', range: { kind: 'time', from: '2026-03-12T08:00:00Z' } }, pipeline)
 */
export function parseReplayRequest(input: unknown, pipeline: ReplaySources): ReplayRequest {
  const parsed = replayRequestSchema(pipeline).safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`);
    throw new ReplayError('INVALID_REQUEST', `Invalid replay request: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * The parts of a request that define *what* the job replays. A job id is bound to them: resuming
 * with a different range, filter or target is refused, while pacing options (rate, batch size,
 * record budget) may change between invocations.
 */
export function requestIdentity(request: ReplayRequest): string {
  const { jobId, source, range, filter: f, target, maxReplays } = request;
  return JSON.stringify({ jobId, source, range, filter: f, target: target ?? null, maxReplays });
}
