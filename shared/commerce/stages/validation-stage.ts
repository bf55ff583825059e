/**
 * The commerce validation stage: `raw-events` → `commerce.validated`, or `commerce.rejected`.
 *
 * Each value goes through `validateEvent` (a strict schema per event type, the closed
 * `REJECT_REASON` codes, the same bad-input discipline as CDRs: empty, oversized, not UTF-8, not
 * JSON, prototype-polluting keys, control characters, unknown type, wrong types…). A valid event
 * is forwarded with its bytes unchanged, keyed by its customer id (`user_id`), with the input's
 * headers plus the validated headers (`validation-headers.ts`); an invalid one is rejected with
 * its reason, and the runtime writes the original key, bytes and headers to the reject topic.
 * Valid/invalid counts per event type are published once per batch (`validation-metrics.ts`).
 */
import type { StageRecord } from '../../kafka/types.ts';
import { forward, reject } from '../../runtime/outcome.ts';
import { perRecordStage, type Stage } from '../../runtime/stage.ts';
import { tallyValidation } from '../counters.ts';
import { commerceStageSpec } from '../pipeline.ts';
import { COMMERCE_TOPIC, customerKeyOf } from '../routing.ts';
import { type ValidationLimits, type ValidationResult, validateEvent } from '../validation.ts';
import { validatedHeaders } from './validation-headers.ts';
import { validationMetrics } from './validation-metrics.ts';

/** Options of {@link commerceValidationStage}. */
export interface CommerceValidationStageOptions extends Partial<Omit<ValidationLimits, 'nowMs'>> {
  /** Clock, read once per batch (tests pin it). @default Date.now */
  readonly now?: () => number;
}

/**
 * The validation stage of the commerce pipeline.
 * @example
 * export const handler = createKafkaHandler(commerceValidationStage(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
 */
export function commerceValidationStage(options: CommerceValidationStageOptions = {}): Stage {
  const { now = Date.now, ...bounds } = options;
  let limits: ValidationLimits = { ...bounds, nowMs: now() };
  // Per-record verdicts, for the batch's counters once the outcomes are settled (keys are the
  // batch's record objects: nothing outlives the batch, concurrent batches never mix).
  const verdicts = new WeakMap<StageRecord, ValidationResult>();
  const stage = perRecordStage(
    commerceStageSpec('validation'),
    (record) => {
      const result = validateEvent(record.value, limits);
      verdicts.set(record, result);
      if (!result.ok) return reject(result.reason, result.message);
      const { event } = result;
      return forward(COMMERCE_TOPIC.validated, customerKeyOf(event), record.value as Buffer, {
        headers: validatedHeaders(record.headers, event.event_type, record.timestamp),
        eventTimeMs: record.timestamp,
      });
    },
    async () => {
      limits = { ...bounds, nowMs: now() };
    },
  );
  return {
    ...stage,
    batchMetrics(settled) {
      const results: ValidationResult[] = [];
      for (const { record } of settled) {
        const verdict = verdicts.get(record);
        if (verdict) results.push(verdict);
      }
      return validationMetrics(tallyValidation(results));
    },
  };
}
