/**
 * The headers the validation stage writes on every event it forwards to `commerce.validated`,
 * beside the input's own headers (kept unchanged): what it learnt by parsing, so that routing
 * routes without parsing the JSON again. This module owns their names; routing reads them with
 * {@link readValidatedHeaders} and parses the value itself when they are missing or malformed.
 */
import { headerText } from '../../kafka/headers.ts';
import type { HeaderValue, RecordHeaders } from '../../kafka/types.ts';
import { type EventType, isEventType } from '../events.ts';

/** Header names, under `orion.commerce.` so that no producer's own header collides with them. */
export const VALIDATED_HEADER = {
  /** The event's `event_type`, as validated (one of `EVENT_TYPES`). */
  eventType: 'orion.commerce.event-type',
  /**
   * When the event entered the pipeline: the Kafka timestamp of its `raw-events` record, epoch
   * ms in base 10. The stages' pipeline-age metric counts from it (not from the event's own
   * `timestamp`, which a dataset replay keeps years old).
   */
  ingestedAt: 'orion.commerce.ingested-at',
} as const;

/** What the validated headers of a record say. */
export interface ValidatedHeaders {
  readonly eventType: EventType;
  /** Absent when the header is missing or not an epoch ms. */
  readonly ingestedAtMs?: number;
}

/**
 * The headers of a validated event: `input`'s headers (bytes unchanged, in a null-prototype
 * object, so a header named `__proto__` stays a header) with the validated headers set, replacing
 * any the input carried.
 * @example validatedHeaders(record.headers, 'view', record.timestamp)['orion.commerce.event-type'] // 'view'
 */
export function validatedHeaders(
  input: RecordHeaders,
  eventType: EventType,
  ingestedAtMs: number,
): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = Object.assign(Object.create(null), input);
  headers[VALIDATED_HEADER.eventType] = eventType;
  headers[VALIDATED_HEADER.ingestedAt] = String(Math.trunc(ingestedAtMs));
  return headers;
}

/**
 * The validated headers of a record, or `undefined` when its event-type header is missing or
 * names no event type (then the value must be parsed).
 * @example readValidatedHeaders(record.headers)?.eventType // 'payment_failure'
 */
export function readValidatedHeaders(headers: RecordHeaders): ValidatedHeaders | undefined {
  const eventType = headerText(headers, VALIDATED_HEADER.eventType);
  if (!isEventType(eventType)) return undefined;
  const ingestedAt = headerText(headers, VALIDATED_HEADER.ingestedAt);
  return ingestedAt !== undefined && /^\d{1,15}$/.test(ingestedAt)
    ? { eventType, ingestedAtMs: Number(ingestedAt) }
    : { eventType };
}
