/**
 * The typed defects the generator can inject. Each defect turns a valid event into a raw value
 * the validator must reject with exactly one reason, so tests and the main job can predict the
 * reject reasons of a run record by record (`GeneratedRecord.expected`).
 */
import type { EventType } from '../events.ts';
import { REJECT_REASON, type RejectReason } from '../reason-codes.ts';

/** A defect kind and the reason code validation must give the record. */
export const DEFECTS = {
  /** A tombstone: the value is null. */
  null_value: REJECT_REASON.EMPTY_VALUE,
  /** Zero bytes. */
  empty_value: REJECT_REASON.EMPTY_VALUE,
  /** One byte more than the size limit. */
  oversized: REJECT_REASON.OVERSIZED,
  /** A broken UTF-8 sequence in the JSON text. */
  invalid_utf8: REJECT_REASON.NOT_UTF8,
  /** The JSON text cut in half. */
  truncated_json: REJECT_REASON.NOT_JSON,
  /** The event wrapped in a JSON array. */
  json_array: REJECT_REASON.NOT_OBJECT,
  /** An extra object nested twelve levels deep. */
  deep_nesting: REJECT_REASON.NESTING_TOO_DEEP,
  /** A leading `"__proto__": {…}` key. */
  proto_key: REJECT_REASON.FORBIDDEN_KEY,
  /** An ANSI escape (`\u001b[2J`) in `user_id`: log injection. */
  control_character: REJECT_REASON.INVALID_CHARACTERS,
  /** `"timestamp": 1e999`, which parses to Infinity. */
  non_finite_number: REJECT_REASON.NON_FINITE_NUMBER,
  /** `event_type` `page_visit`. */
  unknown_event_type: REJECT_REASON.UNKNOWN_EVENT_TYPE,
  /** A field the type requires is dropped. */
  missing_field: REJECT_REASON.MISSING_FIELD,
  /** `timestamp` as an ISO-8601 string instead of epoch ms. */
  wrong_type: REJECT_REASON.WRONG_TYPE,
  /** `timestamp` in epoch seconds (lands in January 1970). */
  timestamp_in_seconds: REJECT_REASON.TIMESTAMP_OUT_OF_RANGE,
  /** `currency` `EURO` on a transaction. */
  invalid_currency: REJECT_REASON.INVALID_CURRENCY,
  /** A negative quantity, rating or result count. */
  negative_value: REJECT_REASON.NEGATIVE_VALUE,
  /** `event_id` that is not a UUID. */
  invalid_value: REJECT_REASON.INVALID_VALUE,
  /** An extra `coupon_code` key. */
  unknown_field: REJECT_REASON.UNKNOWN_FIELD,
} as const satisfies Record<string, RejectReason>;

/** A defect kind. */
export type DefectKind = keyof typeof DEFECTS;

/** Every defect kind. */
export const DEFECT_KINDS = Object.keys(DEFECTS) as DefectKind[];

/** The required field each type loses under `missing_field`. */
const DROPPED_FIELD: Readonly<Record<EventType, string>> = {
  view: 'category',
  addtocart: 'quantity',
  transaction: 'price',
  search: 'query',
  filter: 'filters',
  review: 'rating',
  payment_attempt: 'amount',
  payment_success: 'payment_id',
  payment_failure: 'failure_reason',
  checkout: 'order_id',
  order_completed: 'amount',
};

/** The numeric field each type can carry negative under `negative_value`. */
const NEGATIVE_FIELD: Readonly<Partial<Record<EventType, string>>> = {
  addtocart: 'quantity',
  transaction: 'quantity',
  search: 'results_count',
  review: 'rating',
};

/**
 * True when `kind` can be applied to an event of `eventType` (only transactions carry an
 * optional currency; only some types have a numeric field to make negative).
 * @example defectApplies('invalid_currency', 'view') // false
 */
export function defectApplies(kind: DefectKind, eventType: EventType): boolean {
  if (kind === 'invalid_currency') return eventType === 'transaction';
  if (kind === 'negative_value') return NEGATIVE_FIELD[eventType] !== undefined;
  return true;
}

const ENCODER = new TextEncoder();
const oversizedValues = new Map<number, Uint8Array>();

/** One shared, never-mutated buffer of `maxBytes + 1` bytes per limit. */
function oversizedValue(maxBytes: number): Uint8Array {
  let value = oversizedValues.get(maxBytes);
  if (value === undefined) {
    value = new Uint8Array(maxBytes + 1).fill(0x20);
    value[0] = 0x7b; // '{'
    oversizedValues.set(maxBytes, value);
  }
  return value;
}

function nested(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/**
 * The raw value of `event` with `kind` applied (`maxBytes` sizes the oversized value).
 * @example applyDefect('proto_key', event, 1 << 20) // bytes of {"__proto__":{"admin":true},…}
 */
export function applyDefect(
  kind: DefectKind,
  event: Readonly<Record<string, unknown>> & { event_type: EventType; timestamp: number },
  maxBytes: number,
): Uint8Array | null {
  const json = (value: unknown): Uint8Array => ENCODER.encode(JSON.stringify(value));
  switch (kind) {
    case 'null_value':
      return null;
    case 'empty_value':
      return new Uint8Array(0);
    case 'oversized':
      return oversizedValue(maxBytes);
    case 'invalid_utf8': {
      const bytes = json(event);
      const broken = new Uint8Array(bytes.length + 2);
      broken.set(bytes.subarray(0, 2), 0);
      broken.set([0xc3, 0x28], 2);
      broken.set(bytes.subarray(2), 4);
      return broken;
    }
    case 'truncated_json': {
      const text = JSON.stringify(event);
      return ENCODER.encode(text.slice(0, Math.floor(text.length / 2)));
    }
    case 'json_array':
      return json([event]);
    case 'deep_nesting':
      return json({ ...event, meta: nested(12) });
    case 'proto_key':
      return ENCODER.encode(`{"__proto__":{"admin":true},${JSON.stringify(event).slice(1)}`);
    case 'control_character':
      return json({ ...event, user_id: `${String(event.user_id)}\u001b[2J` });
    case 'non_finite_number':
      return ENCODER.encode(JSON.stringify(event).replace(/"timestamp":\d+/, '"timestamp":1e999'));
    case 'unknown_event_type':
      return json({ ...event, event_type: 'page_visit' });
    case 'missing_field': {
      const { [DROPPED_FIELD[event.event_type]]: _dropped, ...rest } = event;
      return json(rest);
    }
    case 'wrong_type':
      return json({ ...event, timestamp: new Date(event.timestamp).toISOString() });
    case 'timestamp_in_seconds':
      return json({ ...event, timestamp: Math.floor(event.timestamp / 1000) });
    case 'invalid_currency':
      return json({ ...event, currency: 'EURO' });
    case 'negative_value':
      return json({ ...event, [NEGATIVE_FIELD[event.event_type] ?? 'quantity']: -1 });
    case 'invalid_value':
      return json({ ...event, event_id: 'not-a-uuid' });
    case 'unknown_field':
      return json({ ...event, coupon_code: 'WELCOME10' });
  }
}
