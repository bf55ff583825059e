/** What a replay invocation returns. */
import type { SkipReason } from './filter.ts';

/** Counts of a replay (one invocation, or the whole job across invocations). */
export interface ReplayCounters {
  /** Records read from the dead-letter topic. */
  read: number;
  /** Original records (an AWS on-failure record may hold several) that passed the filters. */
  matched: number;
  /** Original records republished (in a dry run: that would be republished). */
  republished: number;
  /** Original records not republished, by reason. */
  skipped: Record<SkipReason, number>;
}

/** Progress of one partition of the dead-letter topic. */
export interface PartitionProgress {
  readonly partition: number;
  /** First offset of the range. */
  readonly start: number;
  /** Exclusive end of the range (fixed when the job was created). */
  readonly end: number;
  /** Next offset to read; `next = end` when the partition is done. */
  readonly next: number;
  readonly done: boolean;
}

/** Why an invocation stopped before the end of the range. */
export type StopReason = 'deadline' | 'maxRecords' | 'aborted';

/** The result of one replay invocation. */
export interface ReplaySummary {
  readonly jobId: string;
  /** The topic read. */
  readonly source: string;
  readonly dryRun: boolean;
  /** `true` when the range is not finished: invoke again with the same job id to continue. */
  readonly partial: boolean;
  readonly stoppedBecause?: StopReason;
  /** Counts of this invocation. */
  readonly invocation: ReplayCounters;
  /** Counts of the whole job so far (all invocations; equals `invocation` for a dry run). */
  readonly total: ReplayCounters;
  readonly partitions: readonly PartitionProgress[];
  readonly durationMs: number;
}

/** Zeroed counters. @example const c = emptyCounters(); c.read += 1; */
export function emptyCounters(): ReplayCounters {
  return {
    read: 0,
    matched: 0,
    republished: 0,
    skipped: { filtered: 0, loopGuard: 0, alreadyDone: 0, noTarget: 0 },
  };
}

/** Adds `b` into `a` (in place) and returns `a`. @example addCounters(total, batchCounters) */
export function addCounters(a: ReplayCounters, b: ReplayCounters): ReplayCounters {
  a.read += b.read;
  a.matched += b.matched;
  a.republished += b.republished;
  for (const k of Object.keys(a.skipped) as SkipReason[]) a.skipped[k] += b.skipped[k];
  return a;
}
