/**
 * The batched producer of the stage runtime: every record of an invocation goes out in ONE
 * `sendBatch` (idempotent producer, `acks=all`, snappy), awaited once.
 */
import { CompressionTypes, type IHeaders, type Message, type TopicMessages } from 'kafkajs';
import type { KafkaConnections } from './client.ts';
import { ProduceTimeoutError } from './errors.ts';
import type { OutgoingHeaders } from './types.ts';

/** One record to produce. */
export interface OutboundRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: OutgoingHeaders;
}

/** Sends a batch of records, all or nothing as far as the caller knows. */
export interface BatchProducer {
  /** Resolves once every record is acknowledged by all in-sync replicas; rejects otherwise. */
  send(records: readonly OutboundRecord[]): Promise<void>;
}

/** Options of {@link createBatchProducer}. */
export interface BatchProducerOptions {
  /** Overall deadline of one batch, ms (the Lambda must answer before its own timeout). */
  readonly timeoutMs: number;
}

/**
 * Groups records by topic (keeping their order) into kafkajs `topicMessages`.
 * @example toTopicMessages([{ topic: 'a', key: 'k', value: 'v' }]) // [{ topic: 'a', messages: [{ key: 'k', value: 'v' }] }]
 */
export function toTopicMessages(records: readonly OutboundRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    let messages = byTopic.get(r.topic);
    if (!messages) {
      messages = [];
      byTopic.set(r.topic, messages);
    }
    const message: Message = { key: r.key, value: r.value };
    if (r.headers) message.headers = r.headers as IHeaders;
    messages.push(message);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * A {@link BatchProducer} over reused Kafka connections. After a failure the connections are reset
 * so that the next invocation starts from a fresh, connected producer.
 *
 * @example
 * const producer = createBatchProducer(connections, { timeoutMs: 10_000 });
 * await producer.send([{ topic: 'orders', key: customerId, value: json }]);
 */
export function createBatchProducer(
  connections: KafkaConnections,
  options: BatchProducerOptions,
): BatchProducer {
  return {
    async send(records) {
      if (records.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new ProduceTimeoutError(
                `produce of ${records.length} records not acknowledged in ${options.timeoutMs} ms`,
              ),
            ),
          options.timeoutMs,
        );
      });
      try {
        const send = connections.producer().then((producer) =>
          producer.sendBatch({
            topicMessages: toTopicMessages(records),
            acks: -1,
            compression: CompressionTypes.Snappy,
            timeout: options.timeoutMs,
          }),
        );
        send.catch(() => undefined); // the deadline may win; never leave a rejection unhandled
        await Promise.race([send, deadline]);
      } catch (error) {
        await connections.reset();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
