/**
 * The commerce routing stage: `commerce.validated` → `payments` | `orders` | `user-events`, by
 * KiVendTout's rule (`ROUTE_BY_EVENT_TYPE`), the record's key, bytes and headers kept.
 *
 * A record the validation stage wrote carries its event type in a header
 * (`VALIDATED_HEADER.eventType`) and is routed without parsing. Any other record (written by
 * another producer, replayed from an old dead letter, a header that names no type, no key) is
 * validated again from its bytes: a valid event is routed (keyed by its customer id when it had
 * no key, the validated headers added), anything else is rejected to `commerce.rejected` with
 * the validation reason — never dropped, never a crash.
 */
import { forward, type Outcome, reject } from '../../runtime/outcome.ts';
import { perRecordStage, type Stage } from '../../runtime/stage.ts';
import { commerceStageSpec } from '../pipeline.ts';
import { ROUTE_BY_EVENT_TYPE, routeEvent } from '../routing.ts';
import { type ValidationLimits, validateEvent } from '../validation.ts';
import { readValidatedHeaders, validatedHeaders } from './validation-headers.ts';

/** Options of {@link commerceRoutingStage}. */
export interface CommerceRoutingStageOptions extends Partial<Omit<ValidationLimits, 'nowMs'>> {
  /** Clock for records validated here, read once per batch (tests pin it). @default Date.now */
  readonly now?: () => number;
}

/**
 * The routing stage of the commerce pipeline.
 * @example
 * export const handler = createKafkaHandler(commerceRoutingStage(), { piiKeys: COMMERCE_PIPELINE.piiKeys });
 */
export function commerceRoutingStage(options: CommerceRoutingStageOptions = {}): Stage {
  const { now = Date.now, ...bounds } = options;
  let limits: ValidationLimits = { ...bounds, nowMs: now() };
  return perRecordStage(
    commerceStageSpec('routing'),
    (record): Outcome => {
      const validated = readValidatedHeaders(record.headers);
      if (
        validated !== undefined &&
        record.key !== null &&
        record.value !== null &&
        record.value.length > 0
      ) {
        return forward(ROUTE_BY_EVENT_TYPE[validated.eventType], record.key, record.value, {
          headers: record.headers,
          eventTimeMs: validated.ingestedAtMs ?? record.timestamp,
        });
      }
      const result = validateEvent(record.value, limits);
      if (!result.ok) return reject(result.reason, result.message);
      const route = routeEvent(result.event);
      const ingestedAtMs = validated?.ingestedAtMs ?? record.timestamp;
      return forward(route.topic, record.key ?? route.key, record.value as Buffer, {
        headers: validatedHeaders(record.headers, result.event.event_type, ingestedAtMs),
        eventTimeMs: ingestedAtMs,
      });
    },
    async () => {
      limits = { ...bounds, nowMs: now() };
    },
  );
}
