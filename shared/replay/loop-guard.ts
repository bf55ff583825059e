/** The loop guard: a record that keeps failing is not replayed forever. */
import { REPLAY_HEADER } from './constants.ts';

/**
 * The replay count a record's headers carry (0 when absent or unreadable).
 *
 * @example replayCountOf({ 'orion.replay.count': Buffer.from('2') }) // 2
 */
export function replayCountOf(headers: Readonly<Record<string, Buffer | undefined>>): number {
  const raw = headers[REPLAY_HEADER.count]?.toString('utf8');
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
