/**
 * Builds the record a replay republishes for a dead letter. Sending is the shared batched
 * producer's job (`shared/kafka/producer.ts`: one idempotent `acks=all` `sendBatch`, awaited once).
 */
import type { OutboundRecord } from '../kafka/producer.ts';
import { REPLAY_HEADER } from './constants.ts';
import type { DeadLetter } from './dead-letter.ts';

/** One record to republish, with its deterministic replay id. */
export interface ReplayMessage extends OutboundRecord {
  readonly replayId: string;
}

/**
 * The record to republish for a dead letter: original key and bytes, original headers, plus the
 * replay id, the incremented replay count and the job id. The timestamp is left to the producer
 * (now): keeping the original one would make the event source mapping's maximum record age send
 * an old record straight back to the DLQ.
 *
 * @example toReplayMessage(letter, 'orders', 'outage-0312@orders.dlq-0@12', 'outage-0312')
 */
export function toReplayMessage(
  letter: DeadLetter,
  topic: string,
  replayId: string,
  jobId: string,
): ReplayMessage {
  return {
    topic,
    replayId,
    key: letter.key,
    value: letter.value,
    headers: {
      ...letter.headers,
      [REPLAY_HEADER.id]: replayId,
      [REPLAY_HEADER.count]: String(letter.replayCount + 1),
      [REPLAY_HEADER.job]: jobId,
    },
  };
}
