/**
 * The contract between a stage's domain code and the stage runtime. A stage sees decoded
 * records and returns one result per record; it never touches Kafka or the Lambda event.
 */

import type { StageRecord } from '../kafka/types.ts';
import type { StageName } from '../pipeline/types.ts';
import type { Outcome } from './outcome.ts';

/** A record the stage could not process now: reported to the event source mapping for retry. */
export interface FailedResult {
  readonly kind: 'failed';
  readonly error: unknown;
}

/** The result of one record: an outcome, or a transient failure. */
export type RecordResult = Outcome | FailedResult;

/** A pipeline stage as the runtime drives it. */
export interface Stage {
  readonly name: StageName;
  /** Where the runtime sends this stage's rejects (its `rejectTopic` in the pipeline definition). */
  readonly rejectTopic?: string;
  /**
   * Processes a whole batch and returns exactly one result per input record, in input order.
   * Batch-level work (one reference-data lookup for the batch, one bounded write wave) goes here.
   * Throwing fails every record of the batch transiently.
   */
  processBatch(records: readonly StageRecord[]): Promise<RecordResult[]>;
}

/**
 * Builds a {@link Stage} from a per-record function, isolating each record: a throw becomes a
 * transient failure of that record only. `prepare` runs once per batch before the records.
 *
 * @example
 * const stage = perRecordStage('validation', (record) => validateRecord(record));
 */
export function perRecordStage(
  spec: StageName | { readonly name: StageName; readonly rejectTopic?: string },
  process: (record: StageRecord) => Outcome,
  prepare?: (records: readonly StageRecord[]) => Promise<void>,
): Stage {
  const { name, rejectTopic } = typeof spec === 'string' ? { name: spec, rejectTopic: undefined } : spec;
  return {
    name,
    ...(rejectTopic !== undefined ? { rejectTopic } : {}),
    async processBatch(records) {
      if (prepare) await prepare(records);
      return records.map((record): RecordResult => {
        try {
          return process(record);
        } catch (error) {
          return { kind: 'failed', error };
        }
      });
    },
  };
}
