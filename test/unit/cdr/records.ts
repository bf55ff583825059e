/** Helpers shared by the CDR unit tests: stage records and a fixed clock. */
import type { ValidatedCdr } from '../../../shared/cdr/index.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import type { RecordResult } from '../../../shared/runtime/stage.ts';

/** The tests' "now": 2026-03-29 12:00 UTC, the day Europe springs forward. */
export const NOW = Date.UTC(2026, 2, 29, 12);

/** What validation makes of the default French record (`FR-1`, 13:30 Paris, 65 s, 0,10 EUR). */
export const VALIDATED_FR: ValidatedCdr = {
  v: 1,
  country: 'fr',
  recordType: 'MOC',
  recordId: 'FR-1',
  imsi: '208011234567890',
  msisdn: '+33612345678',
  counterpart: '+33698765432',
  startMs: Date.UTC(2026, 2, 29, 11, 30),
  durationS: 65,
  volumeBytes: 0,
  chargeMinorUnits: 10,
  currency: 'EUR',
  cellId: '208-01-1234-5678',
  roaming: false,
};

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
