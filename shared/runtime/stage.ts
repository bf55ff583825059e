/**
 * The contract between a stage's domain code and the stage runtime. A stage sees decoded
 * records and returns one result per record; it never touches Kafka or the Lambda event.
 */

import type { StageRecord } from '../kafka/types.ts';
import type { StageMetric } from '../observability/metrics.ts';
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
  /**
   * Runs once the batch's outputs are acknowledged by the broker, with the records that settled
   * (their outputs are on their topics) and their results, in batch order. This is where a stage
   * records state that must only change once its outputs exist (e.g. "alert raised"): a crash
   * before it means a retry produces the outputs again, never that an output is lost.
   * Throwing fails every settled record transiently (the batch is retried).
   * @default nothing
   */
  afterProduce?(settled: readonly SettledRecord[]): Promise<void>;
  /**
   * The stage's own metrics of the batch, which the runtime publishes with its batch metrics in
   * the same end-of-batch call (never one flush per record): counts per category of a small,
   * closed set, for instance. Runs once per batch after the produce (and after `afterProduce`),
   * with the settled records only — records that did not settle are redelivered and counted when
   * they settle, so nothing is counted twice. `record` is the very object `processBatch` received,
   * so a stage may remember per-record facts in a `WeakMap` while processing and only count here:
   * no I/O, no per-record work beyond counting. Metrics with the same dimensions share one EMF
   * line; a throw or a refused metric (see `stageMetricProblem`) loses metrics only, never the
   * batch, and is logged in the batch's log line.
   *
   * @example
   * batchMetrics: (settled) => [{ name: 'WidgetsSeen', value: settled.length, dimensions: { color: 'blue' } }]
   * @default no metrics beyond the runtime's
   */
  batchMetrics?(settled: readonly SettledRecord[]): readonly StageMetric[];
}

/** A record whose outputs the broker acknowledged, with its result. */
export interface SettledRecord {
  readonly record: StageRecord;
  readonly result: Outcome;
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
