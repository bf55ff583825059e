/** Turns a kafkajs message into ORION's {@link StageRecord}. */
import type { KafkaMessage } from 'kafkajs';
import type { StageRecord } from '../runtime/stage-record.ts';

/**
 * The record as the stages see it: numeric offset and timestamp, `null` for an absent key or value,
 * headers as Buffers (a header repeated in the record keeps its last value).
 * @example stageRecordOf('cdr.raw.fr', 3, message).offset // 1200
 */
export function stageRecordOf(topic: string, partition: number, message: KafkaMessage): StageRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, v] of Object.entries(message.headers ?? {})) {
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (value !== undefined) headers[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
  };
}
