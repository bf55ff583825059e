/** The loop guard: a record that keeps failing is not replayed forever. */
import { headerText } from '../kafka/headers.ts';
import type { ReadHeaders } from '../kafka/types.ts';
import { REPLAY_HEADER } from './constants.ts';

/**
 * The replay count a record's headers carry (0 when absent or unreadable).
 *
 * @example replayCountOf({ 'orion.replay.count': Buffer.from('2') }) // 2
 */
export function replayCountOf(headers: ReadHeaders): number {
  const raw = headerText(headers, REPLAY_HEADER.count);
  const count = raw === undefined ? 0 : Number.parseInt(raw, 10);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}

/**
 * `true` when a record already replayed `replayCount` times may not be replayed again.
 *
 * @example exceedsLoopGuard(3, 3) // true
 */
export function exceedsLoopGuard(replayCount: number, maxReplays: number): boolean {
  return replayCount >= maxReplays;
}
