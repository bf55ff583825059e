/**
 * A record fetched from Kafka by a poller, with what the emulator needs precomputed: its id
 * (`"<topic>-<partition>@<offset>"`, to which `batch-response.ts` maps the documented
 * `{ partition, offset }` item identifier) and the exact size it adds to the invocation payload.
 */
import type { KafkaMessage } from 'kafkajs';
import { stageRecordOf } from '../../shared/kafka/kafkajs-record.ts';
import { kafkaItemIdentifier, type RawKafkaRecord } from '../../shared/kafka/msk-event.ts';
import { recordJsonBytes } from './payload-size.ts';

/** A fetched record: the broker record plus its identifier and payload size. */
export interface FetchedRecord extends RawKafkaRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly headers: Record<string, Buffer | string | undefined>;
  /** `"<topic>-<partition>@<offset>"`. */
  readonly id: string;
  /** Bytes of this record's JSON in the invocation payload. */
  readonly jsonBytes: number;
}

/**
 * Builds a {@link FetchedRecord} from a kafkajs message. A header repeated in the record keeps its
 * last value, as `StageRecord` does.
 * @example toFetchedRecord('orders', 3, message)
 */
export function toFetchedRecord(topic: string, partition: number, message: KafkaMessage): FetchedRecord {
  const base = stageRecordOf(topic, partition, message);
  return {
    ...base,
    id: kafkaItemIdentifier(topic, partition, base.offset),
    jsonBytes: recordJsonBytes(base),
  };
}
