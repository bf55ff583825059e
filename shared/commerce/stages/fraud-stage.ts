/**
 * The fraud stage: `payments` → `fraud-alerts`, keyed by customer id, with the per-customer window
 * state in DynamoDB (`fraud-windows`, TTL on `expiresAt`).
 *
 * Per batch:
 * 1. Every record is read as a payment event (the validator's checks again: this topic is fed by
 *    the routing stage, so a failure is not expected); one that is not is rejected with its
 *    reason code (`commerce.rejected`), never thrown.
 * 2. The payment events are grouped by customer (a customer's records are on one partition, in
 *    offset order) and their states read in ONE strongly consistent `BatchGetItem` wave.
 * 3. {@link evaluateFraud} runs per customer; each record's result is a fan-out of the alerts it
 *    triggered (`fraud-alerts`, key = customer id; empty when none). A failed read fails every
 *    payment record transiently ({@link FraudStateError}); a corrupt item fails only that
 *    customer's records ({@link CorruptFraudStateError}); the runtime then holds back the rest of
 *    the partition after the first failed record (`shared/runtime/batch-plan.ts`).
 * 4. `afterProduce` — only once the broker acknowledged the alerts — writes each customer's new
 *    state conditionally on the revision read (bounded parallelism; no write when nothing
 *    changed). A customer whose records did not all settle (held back after another record's
 *    failure) gets the state of its settled records only, so the held-back ones are evaluated
 *    again on redelivery. A failed write (conflict, throttling, DynamoDB down) throws a
 *    {@link FraudStateError}: the whole batch is reported for retry and, once the mapping's
 *    retries are exhausted, goes to `payments-dlq`.
 * 5. `batchMetrics`: `FraudAlerts` per `rule`, counted for settled records only.
 *
 * Guarantee. An alert is identified by `alert_id` = hash(customer, rule, window start): one
 * customer, rule and window is ONE alert id, however often its events are delivered.
 * - Alerts are produced before the state that remembers them is written, so none is lost
 *   (at-least-once): a crash or failure in between only means the retry produces it again.
 * - A second MESSAGE of an alert exists only in that failure window: the customer's state write
 *   failed (or the invocation died) after the broker acknowledged the alert. The retry then
 *   re-derives the same alert from the same stored state: same id, same bytes. Consumers that
 *   must count alerts dedupe by `alert_id`.
 * - A redelivery after a successful state write (the mapping retrying a batch another record of
 *   which failed, a replay from `payments-dlq`, an offset reset, a producer resending) raises NO
 *   new message: the state holds the event ids of the customer's recent events and the last
 *   alert window per rule, and events older than the longest rule window before the latest one
 *   seen are skipped as late. (Limit: a customer with more than `maxRecentEvents` payment events
 *   within that window has the oldest ids pruned; a redelivered pruned event can never start an
 *   alert of a rule whose window it precedes.)
 * - Expired states (DynamoDB TTL, epoch seconds; an expired item may still be read until DynamoDB
 *   deletes it) count as absent: the customer starts a fresh window.
 */

import type { StageRecord } from '../../kafka/types.ts';
import type { StageMetric } from '../../observability/metrics.ts';
import { fanOut, forward, type Outcome, reject } from '../../runtime/outcome.ts';
import type { RecordResult, SettledRecord, Stage } from '../../runtime/stage.ts';
import { isPaymentEventType } from '../events.ts';
import { alertRecord, type FraudAlert } from '../fraud/alert.ts';
import { evaluateFraud, type FraudEvaluation } from '../fraud/evaluate.ts';
import type { FraudRule } from '../fraud/rules.ts';
import type { CustomerWindowState } from '../fraud/state.ts';
import {
  FraudStateError,
  type FraudStateStore,
  fraudStateFailure,
  isExpired,
  type LoadedWindowState,
  type WindowStateWrite,
} from '../fraud/state-repository.ts';
import { DEFAULT_FRAUD_THRESHOLDS, type FraudThresholds } from '../fraud/thresholds.ts';
import { commerceStageSpec } from '../pipeline.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import type { PaymentEvent } from '../schemas.ts';
import { validateEvent } from '../validation.ts';
import { readValidatedHeaders } from './validation-headers.ts';

/** Dependencies of the fraud stage. */
export interface FraudStageDeps {
  /** The window-state store, or a function resolving it (created lazily on the first batch). */
  readonly store: FraudStateStore | (() => FraudStateStore | Promise<FraudStateStore>);
  /** The rules' thresholds; pass the generator the same object. @default DEFAULT_FRAUD_THRESHOLDS */
  readonly thresholds?: FraudThresholds;
  /** Clock, epoch ms (state TTL, the validator's future-skew check). @default Date.now */
  readonly now?: () => number;
}

/** One customer's part of a batch. */
interface CustomerWork {
  readonly events: PaymentEvent[];
  /** The stored state the evaluation started from (`undefined`: none, or expired). */
  readonly base: CustomerWindowState | undefined;
  /** Revision of the stored item, the write's condition (`undefined`: no item). */
  readonly storedRevision: number | undefined;
  readonly evaluation: FraudEvaluation;
}

/** What afterProduce needs of a batch. */
interface BatchWork {
  readonly nowMs: number;
  readonly customers: Map<string, CustomerWork>;
}

/** Where a record's outcome belongs: its batch, its customer, its event's place in the customer's events. */
interface Slot {
  readonly work: BatchWork;
  readonly customerId: string;
  readonly position: number;
  /** Rules of the alerts the record carries. */
  readonly rules: readonly FraudRule[];
}

/** Metric of the alerts raised, per `rule` (published by the runtime once they settled). */
export const FRAUD_ALERTS_METRIC = 'FraudAlerts';

/**
 * Builds the fraud stage.
 *
 * @example
 * const stage = fraudStage({ store: new FraudStateRepository(doc, { table: 'orion-commerce-fraud-windows' }) });
 * export const handler = createKafkaHandler(stage, { piiKeys: COMMERCE_PIPELINE.piiKeys });
 */
export function fraudStage(deps: FraudStageDeps): Stage {
  const thresholds = deps.thresholds ?? DEFAULT_FRAUD_THRESHOLDS;
  const now = deps.now ?? Date.now;
  // Outcome → its batch context: the runtime hands afterProduce the very outcome objects returned,
  // so concurrent batches of one stage instance never share mutable state.
  const slots = new WeakMap<Outcome, Slot>();
  let store: FraudStateStore | undefined;
  const resolveStore = async (): Promise<FraudStateStore> => {
    if (store) return store;
    const resolved = typeof deps.store === 'function' ? await deps.store() : deps.store;
    store = resolved;
    return resolved;
  };

  return {
    name: 'fraud',
    rejectTopic: commerceStageSpec('fraud').rejectTopic,

    async processBatch(records: readonly StageRecord[]): Promise<RecordResult[]> {
      const nowMs = now();
      const results = new Array<RecordResult>(records.length);
      // 1. Read every record; group the payment events by customer, in batch order.
      const byCustomer = new Map<string, { events: PaymentEvent[]; indexes: number[] }>();
      records.forEach((record, index) => {
        const read = readPayment(record, nowMs);
        if (!read.ok) {
          results[index] = read.outcome;
          return;
        }
        const { event } = read;
        let group = byCustomer.get(event.user_id);
        if (!group) {
          group = { events: [], indexes: [] };
          byCustomer.set(event.user_id, group);
        }
        group.events.push(event);
        group.indexes.push(index);
      });
      if (byCustomer.size === 0) return results;

      // 2. One read wave for every customer of the batch.
      let loaded: Map<string, LoadedWindowState>;
      try {
        loaded = await (await resolveStore()).getMany([...byCustomer.keys()]);
      } catch (error) {
        const failure = { kind: 'failed', error: fraudStateFailure('read', error) } as const;
        for (const group of byCustomer.values()) for (const i of group.indexes) results[i] = failure;
        return results;
      }

      // 3. Evaluate each customer; alerts go out with the record that triggered them.
      const work: BatchWork = { nowMs, customers: new Map() };
      for (const [customerId, group] of byCustomer) {
        const stored = loaded.get(customerId);
        if (stored?.kind === 'corrupt') {
          const failure = { kind: 'failed', error: stored.error } as const;
          for (const i of group.indexes) results[i] = failure;
          continue;
        }
        const storedRevision = stored?.state.revision;
        const base = stored && !isExpired(stored.state, nowMs) ? stored.state : undefined;
        const evaluation = evaluateFraud(base, group.events, thresholds, nowMs);
        work.customers.set(customerId, { events: group.events, base, storedRevision, evaluation });

        const alertsOf = new Map<string, FraudAlert[]>();
        for (const alert of evaluation.alerts) {
          const list = alertsOf.get(alert.triggering_event_id);
          if (list) list.push(alert);
          else alertsOf.set(alert.triggering_event_id, [alert]);
        }
        group.events.forEach((event, position) => {
          // A duplicate inside the batch gets nothing: the alerts go with the first copy.
          const alerts = alertsOf.get(event.event_id) ?? [];
          alertsOf.delete(event.event_id);
          const record = records[group.indexes[position]!]!;
          // Pipeline age counts from ingestion, as in the other commerce stages (not from the
          // event's own timestamp, which a dataset replay keeps years old).
          const eventTimeMs = readValidatedHeaders(record.headers)?.ingestedAtMs ?? record.timestamp;
          const outcome = fanOut(alerts.map(toForward), { eventTimeMs });
          slots.set(outcome, { work, customerId, position, rules: alerts.map((a) => a.rule) });
          results[group.indexes[position]!] = outcome;
        });
      }
      return results;
    },

    async afterProduce(settled: readonly SettledRecord[]): Promise<void> {
      // Settled positions per customer and batch.
      const settledOf = new Map<BatchWork, Map<string, Set<number>>>();
      for (const { result } of settled) {
        const slot = slots.get(result);
        if (!slot) continue; // a reject
        let batch = settledOf.get(slot.work);
        if (!batch) {
          batch = new Map();
          settledOf.set(slot.work, batch);
        }
        let positions = batch.get(slot.customerId);
        if (!positions) {
          positions = new Set();
          batch.set(slot.customerId, positions);
        }
        positions.add(slot.position);
      }

      const writes: WindowStateWrite[] = [];
      for (const [work, customers] of settledOf) {
        for (const [customerId, positions] of customers) {
          const customer = work.customers.get(customerId)!;
          const evaluation =
            positions.size === customer.events.length
              ? customer.evaluation
              : // Some records were held back: store only what the settled ones did.
                evaluateFraud(
                  customer.base,
                  customer.events.filter((_, p) => positions.has(p)),
                  thresholds,
                  work.nowMs,
                );
          if (!evaluation.changed) continue;
          const state =
            customer.storedRevision === undefined || customer.base !== undefined
              ? evaluation.state
              : // Expired item started afresh: continue its revision so the condition holds.
                { ...evaluation.state, revision: customer.storedRevision + 1 };
          writes.push({ state, expectedRevision: customer.storedRevision });
        }
      }
      if (writes.length === 0) return;

      const outcomes = await (await resolveStore()).putMany(writes);
      const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
      if (failures.length > 0) {
        const first = failures[0]!;
        throw new FraudStateError(
          first.code,
          `${failures.length} of ${writes.length} window-state writes failed; first: ${first.message}`,
          { cause: first },
        );
      }
    },

    batchMetrics(settled: readonly SettledRecord[]): StageMetric[] {
      const perRule = new Map<FraudRule, number>();
      for (const { result } of settled) {
        for (const rule of slots.get(result)?.rules ?? []) perRule.set(rule, (perRule.get(rule) ?? 0) + 1);
      }
      return [...perRule].map(([rule, value]) => ({
        name: FRAUD_ALERTS_METRIC,
        value,
        dimensions: { rule },
      }));
    },
  };
}

type ReadResult = { ok: true; event: PaymentEvent } | { ok: false; outcome: Outcome };

/** A record as a payment event, or the reject saying why it is not one. */
function readPayment(record: StageRecord, nowMs: number): ReadResult {
  const checked = validateEvent(record.value, { nowMs });
  if (!checked.ok) return { ok: false, outcome: reject(checked.reason, checked.message) };
  const { event } = checked;
  if (!isPaymentEventType(event.event_type)) {
    return {
      ok: false,
      outcome: reject(
        REJECT_REASON.INVALID_VALUE,
        `event_type ${event.event_type} is not a payment event (payments carries payment_attempt, payment_success, payment_failure)`,
      ),
    };
  }
  return { ok: true, event: event as PaymentEvent };
}

/** An alert as the forward outcome of its `fraud-alerts` record. */
function toForward(alert: FraudAlert) {
  const { topic, key, value } = alertRecord(alert);
  return forward(topic, key, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
}
