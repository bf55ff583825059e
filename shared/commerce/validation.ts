/**
 * Raw bytes → validated commerce event, or a closed reason code. Checks run in a fixed order
 * and the first failure decides: emptiness, size (before decoding), UTF-8, JSON, object shape,
 * the structural walk (nesting, forbidden keys, control characters, non-finite numbers),
 * `event_type`, the type's strict schema, then the rules that need context (time against `now`,
 * card payments carry a card fingerprint). Pure: `now` comes in with the limits.
 */
import type { z } from 'zod';
import { DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_FUTURE_SKEW_MS } from './constants.ts';
import { type EventType, isEventType } from './events.ts';
import { checkJsonObject, type JsonObject, jsonTypeOf, parseJsonObject, valueAt } from './json-guard.ts';
import { REJECT_REASON, REJECT_REASONS, type RejectReason } from './reason-codes.ts';
import { type CommerceEvent, EVENT_SCHEMAS } from './schemas.ts';

/** Limits of a validation run. */
export interface ValidationLimits {
  /** "Now", epoch ms: read the clock once per batch and pass it in. */
  readonly nowMs: number;
  /** Largest value accepted, bytes. @default 1 MiB ({@link DEFAULT_MAX_EVENT_BYTES}) */
  readonly maxBytes?: number;
  /** How far past `nowMs` a timestamp may be. @default 5 minutes */
  readonly maxFutureSkewMs?: number;
  /** How far before `nowMs` a timestamp may be; unset: only the 2000-01-01 floor (datasets replay old events). */
  readonly maxAgeMs?: number;
}

/** A valid event. */
export interface ValidEvent {
  readonly ok: true;
  readonly event: CommerceEvent;
}

/** A rejected value: reason code, one-line message, and its event type when it could be read. */
export interface InvalidEvent {
  readonly ok: false;
  readonly reason: RejectReason;
  /** One line; never echoes a field's value. */
  readonly message: string;
  /** The event type, when `event_type` named a known type (metrics stay low-cardinality). */
  readonly eventType?: EventType;
}

/** What {@link validateEvent} returns. */
export type ValidationResult = ValidEvent | InvalidEvent;

const DECODER = new TextDecoder('utf-8', { fatal: true });
const REASON_RANK = new Map<RejectReason, number>(REJECT_REASONS.map((reason, i) => [reason, i]));

function invalid(reason: RejectReason, message: string, eventType?: EventType): InvalidEvent {
  return eventType === undefined ? { ok: false, reason, message } : { ok: false, reason, message, eventType };
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

/**
 * Validates one raw record value (the Kafka value as bytes).
 * @example
 * const result = validateEvent(new TextEncoder().encode(json), { nowMs: Date.now() });
 * if (result.ok) route(result.event); else reject(result.reason, result.message);
 */
export function validateEvent(bytes: Uint8Array | null, limits: ValidationLimits): ValidationResult {
  if (bytes === null || bytes.length === 0) return invalid(REJECT_REASON.EMPTY_VALUE, 'value has no bytes');
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  if (bytes.length > maxBytes) {
    return invalid(REJECT_REASON.OVERSIZED, `value has ${bytes.length} bytes, limit ${maxBytes}`);
  }
  let text: string;
  try {
    text = DECODER.decode(bytes); // strips a leading BOM
  } catch {
    return invalid(REJECT_REASON.NOT_UTF8, 'value is not valid UTF-8');
  }
  if (isBlank(text)) return invalid(REJECT_REASON.EMPTY_VALUE, 'value is blank');
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return invalid(parsed.reason, parsed.message);
  return validateParsed(parsed.value, limits);
}

/**
 * Validates an already parsed value (what a dataset parser produced, a test fixture): the same
 * checks as {@link validateEvent} from the object-shape check on.
 * @example validateEventObject({ event_type: 'view', … }, { nowMs }).ok
 */
export function validateEventObject(value: unknown, limits: ValidationLimits): ValidationResult {
  const problem = checkJsonObject(value);
  if (problem) return invalid(problem.reason, problem.message);
  return validateParsed(value as JsonObject, limits);
}

function validateParsed(object: JsonObject, limits: ValidationLimits): ValidationResult {
  const type = object.event_type;
  if (type === undefined) return invalid(REJECT_REASON.MISSING_FIELD, 'event_type is missing');
  if (typeof type !== 'string')
    return invalid(REJECT_REASON.WRONG_TYPE, `event_type is a ${jsonTypeOf(type)}, not a string`);
  if (!isEventType(type)) {
    return invalid(
      REJECT_REASON.UNKNOWN_EVENT_TYPE,
      `event_type ${quoteShort(type)} is not a commerce event type`,
    );
  }
  const schema: z.ZodType = EVENT_SCHEMAS[type];
  const parsed = schema.safeParse(object);
  if (!parsed.success) {
    const { reason, message } = summariseIssues(object, parsed.error.issues);
    return invalid(reason, `${type}: ${message}`, type);
  }
  const event = parsed.data as CommerceEvent;
  const { nowMs } = limits;
  const skew = limits.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
  if (event.timestamp > nowMs + skew) {
    return invalid(
      REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
      `${type}: timestamp ${new Date(event.timestamp).toISOString()} is more than ${skew} ms in the future`,
      type,
    );
  }
  if (limits.maxAgeMs !== undefined && event.timestamp < nowMs - limits.maxAgeMs) {
    return invalid(
      REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
      `${type}: timestamp ${new Date(event.timestamp).toISOString()} is older than ${limits.maxAgeMs} ms`,
      type,
    );
  }
  if ('method' in event && event.method === 'card' && event.card_fingerprint === undefined) {
    return invalid(
      REJECT_REASON.MISSING_FIELD,
      `${type}: card_fingerprint is required for card payments`,
      type,
    );
  }
  return { ok: true, event };
}

function quoteShort(text: string): string {
  return JSON.stringify(text.length > 32 ? `${text.slice(0, 32)}…` : text);
}

/** Does the JSON type of `value` match what zod expected (`int` is a number of the wrong kind, not a wrong type)? */
function typeMatches(expected: string, value: unknown): boolean {
  switch (expected) {
    case 'int':
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
    case 'record':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === expected;
  }
}

type Issue = z.core.$ZodIssue;

function reasonOf(object: JsonObject, issue: Issue): RejectReason {
  if (issue.code === 'unrecognized_keys') return REJECT_REASON.UNKNOWN_FIELD;
  const value = valueAt(object, issue.path);
  if (value === undefined) return REJECT_REASON.MISSING_FIELD;
  const field = issue.path[0];
  if (field === 'currency') return REJECT_REASON.INVALID_CURRENCY;
  if (issue.code === 'invalid_type' && !typeMatches(issue.expected, value)) return REJECT_REASON.WRONG_TYPE;
  if (field === 'timestamp' && (issue.code === 'too_small' || issue.code === 'too_big')) {
    return REJECT_REASON.TIMESTAMP_OUT_OF_RANGE;
  }
  if (typeof value === 'number' && value < 0) return REJECT_REASON.NEGATIVE_VALUE;
  return REJECT_REASON.INVALID_VALUE;
}

function describeIssue(object: JsonObject, issue: Issue, reason: RejectReason): string {
  const path = issue.path.length === 0 ? 'event' : issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map(quoteShort).join(', ')}`;
  if (reason === REJECT_REASON.MISSING_FIELD) return `${path} is missing`;
  if (reason === REJECT_REASON.WRONG_TYPE)
    return `${path} is a ${jsonTypeOf(valueAt(object, issue.path))}, expected ${(issue as { expected: string }).expected}`;
  if (reason === REJECT_REASON.INVALID_CURRENCY) return `${path} is not an upper-case ISO 4217 code`;
  const text = issue.message.length > 120 ? `${issue.message.slice(0, 120)}…` : issue.message;
  return `${path}: ${text}`;
}

/**
 * One reason and a one-line message for a list of zod issues: the reason is the earliest of
 * {@link REJECT_REASONS} among the issues; the message lists up to three of them.
 * @example summariseIssues({ price: '1' }, issues) // { reason: 'WRONG_TYPE', message: 'price is a string, expected number' }
 */
export function summariseIssues(
  object: JsonObject,
  issues: readonly Issue[],
): { reason: RejectReason; message: string } {
  const ranked = issues
    .map((issue, order) => ({ issue, order, reason: reasonOf(object, issue) }))
    .sort((a, b) => REASON_RANK.get(a.reason)! - REASON_RANK.get(b.reason)! || a.order - b.order);
  const first = ranked[0];
  if (first === undefined)
    return { reason: REJECT_REASON.INVALID_VALUE, message: 'schema rejected the event' };
  const shown = ranked.slice(0, 3).map((r) => describeIssue(object, r.issue, r.reason));
  const more = ranked.length > 3 ? ` (+${ranked.length - 3} more)` : '';
  return { reason: first.reason, message: shown.join('; ') + more };
}
