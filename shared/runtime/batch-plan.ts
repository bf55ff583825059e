/**
 * What the stage runtime does with a batch's results, as pure functions:
 * {@link planBatch} decides what to produce before the produce, {@link settleBatch} decides what to
 * report to the event source mapping once the produce is known to have succeeded or failed.
 *
 * Ordering rule: the runtime produces nothing for the records after the first failed record of a
 * partition, and reports EVERY record from that offset on in `batchItemFailures` — the failed one
 * and the ones held back after it. AWS documents that a Kafka partial batch response lets Lambda
 * "retry only the failed records" (kafka-retry-configurations), without saying whether it resumes
 * the partition from the lowest reported offset (the stream behaviour) or redelivers exactly the
 * named records: naming them all is correct under both readings — nothing is committed without
 * having been processed, and each partition is processed again in order.
 */

import type { KafkaItemIdentifier } from '../kafka/msk-event.ts';
import { batchItemIdentifier, topicPartitionKey } from '../kafka/msk-event.ts';
import type { OutboundRecord } from '../kafka/producer.ts';
import type { StageRecord } from '../kafka/types.ts';
import { errorCodeOf, StageContractError } from './errors.ts';
import type { ForwardOutcome } from './outcome.ts';
import { toRejectRecord } from './reject-record.ts';
import type { RecordResult } from './stage.ts';

/** The records of one topic-partition, in offset order. */
interface PartitionSlice {
  readonly topic: string;
  readonly partition: number;
  /** Indices into the batch, sorted by offset. */
  readonly indices: number[];
  /** Offset of the first record whose result is `failed`. */
  firstFailedOffset?: number;
  /** Offset of the first record (before any failure) that has something to produce. */
  firstOutputOffset?: number;
}

/** The produce decided for a batch, and what settling it needs. */
export interface BatchPlan {
  readonly records: readonly StageRecord[];
  readonly results: readonly RecordResult[];
  /** Forwards and rejects to produce, in batch order; nothing after a failure in its partition. */
  readonly outbound: OutboundRecord[];
  readonly partitions: ReadonlyMap<string, PartitionSlice>;
}

/** Options of {@link planBatch}. */
export interface PlanOptions {
  readonly stage: string;
  /** Topic the rejects of the batch go to (the stage's reject topic). */
  readonly rejectTopic: string;
  /** Time of failure written in reject headers, epoch ms. */
  readonly now: number;
}

/**
 * Decides the produce of a batch: one outbound record per forward and per reject, except for
 * records after the first failed one of their partition.
 *
 * @example const plan = planBatch(records, results, { stage: 'validation', rejectTopic: 'orders.rejected', now: Date.now() });
 */
export function planBatch(
  records: readonly StageRecord[],
  results: readonly RecordResult[],
  options: PlanOptions,
): BatchPlan {
  if (results.length !== records.length) {
    throw new StageContractError(
      'RESULT_COUNT_MISMATCH',
      `stage returned ${results.length} results for ${records.length} records`,
    );
  }
  const partitions = new Map<string, PartitionSlice>();
  records.forEach((r, i) => {
    const key = topicPartitionKey(r.topic, r.partition);
    let slice = partitions.get(key);
    if (!slice) {
      slice = { topic: r.topic, partition: r.partition, indices: [] };
      partitions.set(key, slice);
    }
    slice.indices.push(i);
  });

  const produce = new Uint8Array(records.length);
  for (const slice of partitions.values()) {
    slice.indices.sort((a, b) => records[a]!.offset - records[b]!.offset);
    for (const i of slice.indices) {
      const result = results[i]!;
      if (result.kind === 'failed') {
        slice.firstFailedOffset = records[i]!.offset;
        break;
      }
      if (hasOutput(result)) {
        slice.firstOutputOffset ??= records[i]!.offset;
        produce[i] = 1;
      }
    }
  }

  const { rejectTopic } = options;
  const outbound: OutboundRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    if (!produce[i]) continue;
    const result = results[i]!;
    if (result.kind === 'forward') {
      outbound.push(outboundOf(result));
    } else if (result.kind === 'fan-out') {
      for (const output of result.outputs) outbound.push(outboundOf(output));
    } else if (result.kind === 'reject') {
      outbound.push(toRejectRecord(records[i]!, result, options.stage, rejectTopic, options.now));
    }
  }
  return { records, results, outbound, partitions };
}

/** Whether a result has something to produce. */
function hasOutput(result: RecordResult): boolean {
  return (
    result.kind === 'forward' ||
    result.kind === 'reject' ||
    (result.kind === 'fan-out' && result.outputs.length > 0)
  );
}

function outboundOf(result: ForwardOutcome): OutboundRecord {
  return {
    topic: result.topic,
    key: result.key,
    value: result.value,
    ...(result.headers ? { headers: result.headers } : {}),
  };
}

/** What a settled batch reports. */
export interface BatchSettlement {
  /** `batchItemFailures` identifiers: every unsettled record (failed or held back after a failure). */
  readonly failures: KafkaItemIdentifier[];
  /** Indices (batch order) of the records that settled: their outputs, if any, are confirmed. */
  readonly settled: readonly number[];
  /** Forwarding records (forward, fan-out) confirmed by the broker. */
  readonly forwarded: number;
  /** Rejects confirmed by the broker, by reason code. */
  readonly rejectedByReason: Record<string, number>;
  /** Records that failed themselves, or whose output was not confirmed. */
  readonly failed: number;
  /** Records after a failed one in their partition: redelivered without having failed. */
  readonly heldBack: number;
  /** Failed records by error code (see {@link errorCodeOf}). */
  readonly failureCodes: Record<string, number>;
  /** now − event time of every settled record whose event time is known, ms. */
  readonly pipelineAgesMs: number[];
}

/**
 * Settles a planned batch once its produce succeeded (`produced: true`) or failed. When the produce
 * failed, no output is confirmed: each partition fails from its first record that had an output
 * (or its first failed record, if earlier).
 *
 * @example settleBatch(plan, true, Date.now()).failures // [] when every record succeeded
 */
export function settleBatch(plan: BatchPlan, produced: boolean, now: number): BatchSettlement {
  const failures: KafkaItemIdentifier[] = [];
  const rejectedByReason: Record<string, number> = {};
  const failureCodes: Record<string, number> = {};
  const pipelineAgesMs: number[] = [];
  const settled: number[] = [];
  let forwarded = 0;
  let failed = 0;
  let heldBack = 0;

  for (const slice of plan.partitions.values()) {
    let point = slice.firstFailedOffset;
    if (!produced && slice.firstOutputOffset !== undefined) {
      point = point === undefined ? slice.firstOutputOffset : Math.min(point, slice.firstOutputOffset);
    }
    for (const i of slice.indices) {
      const record = plan.records[i]!;
      const result = plan.results[i]!;
      if (point !== undefined && record.offset >= point) {
        failures.push(batchItemIdentifier(slice.topic, slice.partition, record.offset));
        if (record.offset === point || result.kind === 'failed' || (!produced && hasOutput(result))) {
          failed++;
          const code = result.kind === 'failed' ? errorCodeOf(result.error) : 'PRODUCE_FAILED';
          failureCodes[code] = (failureCodes[code] ?? 0) + 1;
        } else {
          heldBack++;
        }
        continue;
      }
      settled.push(i);
      if (result.kind === 'forward' || (result.kind === 'fan-out' && result.outputs.length > 0)) forwarded++;
      else if (result.kind === 'reject')
        rejectedByReason[result.reason] = (rejectedByReason[result.reason] ?? 0) + 1;
      if (result.kind !== 'reject' && result.kind !== 'failed' && result.eventTimeMs !== undefined) {
        pipelineAgesMs.push(now - result.eventTimeMs);
      }
    }
  }
  settled.sort((a, b) => a - b);
  return { failures, settled, forwarded, rejectedByReason, failed, heldBack, failureCodes, pipelineAgesMs };
}

/**
 * The settlement of a batch whose settled records must be retried after all (the stage's
 * `afterProduce` failed): every record of the batch is reported, each partition from its first
 * offset, and the settled ones count as failed with `error`'s code.
 *
 * @example failSettled(plan, settleBatch(plan, true, now), error).settled // []
 */
export function failSettled(plan: BatchPlan, settlement: BatchSettlement, error: unknown): BatchSettlement {
  const failures: KafkaItemIdentifier[] = [];
  for (const slice of plan.partitions.values()) {
    for (const i of slice.indices) {
      failures.push(batchItemIdentifier(slice.topic, slice.partition, plan.records[i]!.offset));
    }
  }
  const code = errorCodeOf(error);
  return {
    failures,
    settled: [],
    forwarded: 0,
    rejectedByReason: {},
    failed: settlement.failed + settlement.settled.length,
    heldBack: settlement.heldBack,
    failureCodes: {
      ...settlement.failureCodes,
      [code]: (settlement.failureCodes[code] ?? 0) + settlement.settled.length,
    },
    pipelineAgesMs: [],
  };
}
