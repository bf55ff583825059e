/** Turns a kafkajs message into ORION's {@link StageRecord}. */
import type { KafkaMessage } from 'kafkajs';
import { headersFromKafkajs } from './headers.ts';
import type { StageRecord } from './types.ts';

/**
 * The record as the stages see it: numeric offset and timestamp, `null` for an absent key or value,
 * headers as Buffers (a header repeated in the record keeps its last value).
 * @example stageRecordOf('orders', 3, message).offset // 1200
 */
export function stageRecordOf(topic: string, partition: number, message: KafkaMessage): StageRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: headersFromKafkajs(message.headers),
  };
}
