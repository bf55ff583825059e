/**
 * Builds the record the runtime writes to a stage's reject topic for a rejected input: the original key, the
 * original value bytes and the original headers, plus the failure headers (reason, message,
 * stage, source topic/partition/offset/timestamp, time of failure).
 */

import { encodeFailureHeaders } from '../kafka/failure-headers.ts';
import type { OutboundRecord } from '../kafka/producer.ts';
import type { StageRecord } from '../kafka/types.ts';
import type { RejectOutcome } from './outcome.ts';

/**
 * Largest value kept whole in a reject topic. Pipeline records are typically a few KiB, and
 * re-producing a value near the broker's ~1 MB message limit (several of them land in one record
 * batch) would fail the whole batch's produce. Larger values keep their first 64 KiB, with
 * `orion.value.bytes` and `orion.value.truncated: true` saying so.
 */
export const REJECT_VALUE_MAX_BYTES = 64 * 1024;

/**
 * The outbound record of a rejected input.
 * @example toRejectRecord(record, reject('UNPARSEABLE', 'not JSON'), 'validation', 'orders.rejected', Date.now())
 */
export function toRejectRecord(
  record: StageRecord,
  outcome: RejectOutcome,
  stage: string,
  rejectTopic: string,
  failedAt: number,
): OutboundRecord {
  const valueBytes = record.value?.length ?? 0;
  const truncated = valueBytes > REJECT_VALUE_MAX_BYTES;
  // Null prototype: a header literally named `__proto__` stays an ordinary header.
  const headers: Record<string, Buffer | string> = Object.assign(Object.create(null), record.headers);
  Object.assign(
    headers,
    encodeFailureHeaders({
      reason: outcome.reason,
      message: outcome.message,
      stage,
      sourceTopic: record.topic,
      sourcePartition: record.partition,
      sourceOffset: record.offset,
      sourceTimestamp: record.timestamp,
      failedAt,
      valueBytes,
      valueTruncated: truncated,
    }),
  );
  return {
    topic: rejectTopic,
    key: record.key,
    value: truncated ? record.value!.subarray(0, REJECT_VALUE_MAX_BYTES) : record.value,
    headers,
  };
}
