/** Builds the records a replay republishes and sends one batch of them. */
import type { Message, Producer } from 'kafkajs';
import { REPLAY_HEADER } from './constants.ts';
import type { DeadLetter } from './dead-letter.ts';

/** One record to republish. */
export interface ReplayMessage {
  readonly topic: string;
  readonly replayId: string;
  readonly message: Message;
}

/**
 * The record to republish for a dead letter: original key and bytes, original headers, plus the
 * replay id, the incremented replay count and the job id. The timestamp is left to the producer
 * (now): keeping the original one would make the event source mapping's maximum record age send
 * an old record straight back to the DLQ.
 *
 * @example toReplayMessage(letter, 'cdr.raw.fr', 'outage-0312@cdr.dlq-0@12', 'outage-0312')
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
    message: {
      key: letter.key,
      value: letter.value,
      headers: {
        ...letter.headers,
        [REPLAY_HEADER.id]: replayId,
        [REPLAY_HEADER.count]: String(letter.replayCount + 1),
        [REPLAY_HEADER.job]: jobId,
      },
    },
  };
}

/**
 * Sends a batch with one `sendBatch` (the producer is idempotent; `acks: -1` waits for all
 * in-sync replicas) and awaits it once.
 *
 * @example await publishBatch(producer, messages)
 */
export async function publishBatch(producer: Producer, messages: readonly ReplayMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const byTopic = new Map<string, Message[]>();
  for (const m of messages) {
    const list = byTopic.get(m.topic);
    if (list) list.push(m.message);
    else byTopic.set(m.topic, [m.message]);
  }
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
  });
}
