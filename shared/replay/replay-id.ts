/**
 * The deterministic id of one replay of one dead letter. The same job replaying the same dead
 * letter always yields the same id, so a republished record can be recognised after a crash and
 * downstream consumers can deduplicate on it.
 */
import { kafkaItemIdentifier } from '../kafka/msk-event.ts';
import type { DeadLetter } from './dead-letter.ts';

/**
 * `<jobId>@<topic>-<partition>@<offset>`, plus `#<index>` when the dead-letter record holds
 * several original records.
 *
 * @example replayIdOf('outage-0312', { at: { topic: 'orders.dlq', partition: 2, offset: 41 }, index: 0, of: 1 })
 * // 'outage-0312@orders.dlq-2@41'
 */
export function replayIdOf(jobId: string, letter: Pick<DeadLetter, 'at' | 'index' | 'of'>): string {
  const base = `${jobId}@${kafkaItemIdentifier(letter.at.topic, letter.at.partition, letter.at.offset)}`;
  return letter.of > 1 ? `${base}#${letter.index}` : base;
}
