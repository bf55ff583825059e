/** Helpers shared by the CDR unit tests: stage records and a fixed clock. */
import type { RecordResult } from '../../../shared/runtime/stage.ts';
import type { StageRecord } from '../../../shared/runtime/stage-record.ts';

/** The tests' "now": 2026-03-29 12:00 UTC, the day Europe springs forward. */
export const NOW = Date.UTC(2026, 2, 29, 12);

/** A decoded Kafka record. */
export function stageRecord(
  topic: string,
  value: string | Buffer | null,
  key: string | null = '208011234567890',
  offset = 0,
): StageRecord {
  return {
    topic,
    partition: 0,
    offset,
    timestamp: NOW,
    key: key === null ? null : Buffer.from(key),
    value: typeof value === 'string' ? Buffer.from(value) : value,
    headers: {},
  };
}

/** The reason of a reject result, `'forward'` for forwards, `'failed'` for transient failures. */
export function verdictOf(result: RecordResult): string {
  if (result.kind === 'reject') return result.reason;
  return result.kind;
}
