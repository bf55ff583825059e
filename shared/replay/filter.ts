/** Decides whether a dead letter is replayed, and if not, why. */
import type { DeadLetter } from './dead-letter.ts';
import type { ReplayFilter } from './request.ts';

/** Why a dead letter read in the range is not republished. */
export type SkipReason =
  /** It does not match the request's filters. */
  | 'filtered'
  /** It was already replayed `maxReplays` times (loop guard). */
  | 'loopGuard'
  /** It was republished by an earlier invocation of the same job (found after a crash). */
  | 'alreadyDone'
  /** Neither the request nor the record names a topic to republish it to. */
  | 'noTarget';

/**
 * `true` when the dead letter matches every filter given. A filter on a field the record does
 * not carry (e.g. a source topic on an undecodable record) does not match.
 *
 * @example matchesFilter(letter, { reasons: ['STORE_UNAVAILABLE'], sourceTopics: ['orders'] })
 */
export function matchesFilter(letter: DeadLetter, filter: ReplayFilter): boolean {
  if (filter.reasons && !filter.reasons.includes(letter.reason)) return false;
  if (filter.stages && (letter.stage === undefined || !filter.stages.includes(letter.stage))) return false;
  if (
    filter.sourceTopics &&
    (letter.source === undefined || !filter.sourceTopics.includes(letter.source.topic))
  ) {
    return false;
  }
  return true;
}
