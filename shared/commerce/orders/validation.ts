/**
 * `POST /orders` body → validated order request, or every problem found, each with its reason
 * code and the JSON Pointer of the field. Pure: no I/O, no clock.
 *
 * Order of the checks (a stage reports all problems of its own kind, and later stages only run
 * when the earlier ones found none, because their input would be meaningless):
 * 1. bytes: empty, size (before any decoding), UTF-8, blank;
 * 2. JSON: parse, object at the root;
 * 3. one structural walk: nesting depth, prototype-polluting keys, control characters and lone
 *    surrogates (in keys and strings), non-finite numbers;
 * 4. the strict schema (`model/schemas.ts`) plus the server-owned fields, every issue mapped to
 *    its reason;
 * 5. the rules across fields: duplicate SKUs, amounts within the currency's minor unit, the
 *    total equal to the sum of the lines.
 */
import type { z } from 'zod';
import { minorUnitDigits } from '../currency.ts';
import { invalidCharacterAt, jsonTypeOf, valueAt } from '../json-guard.ts';
import {
  MAX_AMOUNT,
  MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
  MAX_QUANTITY,
  MAX_REPORTED_PROBLEMS,
} from './constants.ts';
import { type OrderRequest, OrderRequestSchema, READ_ONLY_FIELDS } from './model/schemas.ts';
import { isOrderReason, ORDER_REASON, type OrderProblem, type OrderReason } from './reason-codes.ts';

/** A valid request. */
export interface ValidOrder {
  readonly ok: true;
  readonly request: OrderRequest;
}

/** A refused request: its problems (at most `MAX_REPORTED_PROBLEMS`) and how many more were cut. */
export interface InvalidOrder {
  readonly ok: false;
  readonly problems: readonly OrderProblem[];
  /** Problems found beyond the ones listed (a lower bound: the structural walk stops early). */
  readonly omitted: number;
}

/** What {@link validateOrderBody} returns. */
export type OrderValidation = ValidOrder | InvalidOrder;

type JsonObject = Record<string, unknown>;

const DECODER = new TextDecoder('utf-8', { fatal: true });
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A JSON Pointer (RFC 6901) from path segments.
 * @example jsonPointer(['items', 0, 'sku']) // '/items/0/sku'
 */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function problem(code: OrderReason, path: readonly PropertyKey[], message: string): OrderProblem {
  return { code, path: jsonPointer(path), message };
}

function refused(problems: readonly OrderProblem[]): InvalidOrder {
  return {
    ok: false,
    problems: problems.slice(0, MAX_REPORTED_PROBLEMS),
    omitted: Math.max(0, problems.length - MAX_REPORTED_PROBLEMS),
  };
}

/**
 * Validates the raw body of `POST /orders` (bytes as received, after base64 decoding).
 * @example
 * const result = validateOrderBody(new TextEncoder().encode(json));
 * if (!result.ok) return badRequest(result.problems);
 */
export function validateOrderBody(
  bytes: Uint8Array | undefined,
  options: { readonly maxBytes?: number } = {},
): OrderValidation {
  if (bytes === undefined || bytes.length === 0) {
    return refused([problem(ORDER_REASON.EMPTY_BODY, [], 'the request has no body')]);
  }
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  if (bytes.length > maxBytes) {
    return refused([
      problem(ORDER_REASON.PAYLOAD_TOO_LARGE, [], `the body has ${bytes.length} bytes, limit ${maxBytes}`),
    ]);
  }
  let text: string;
  try {
    text = DECODER.decode(bytes); // strips a leading BOM
  } catch {
    return refused([problem(ORDER_REASON.INVALID_ENCODING, [], 'the body is not valid UTF-8')]);
  }
  if (text.trim().length === 0) return refused([problem(ORDER_REASON.EMPTY_BODY, [], 'the body is blank')]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input; only its position is safe to repeat.
    const at = /position (\d+)/.exec(String((error as Error).message))?.[1];
    return refused([
      problem(ORDER_REASON.MALFORMED_JSON, [], at ? `not valid JSON (at byte ${at})` : 'not valid JSON'),
    ]);
  }
  return validateOrderObject(parsed);
}

/**
 * The checks of {@link validateOrderBody} from the object-shape check on, for an already parsed
 * value (tests, other transports).
 * @example validateOrderObject({ customer_info: …, items: […], currency: 'EUR', total_amount: 10 }).ok
 */
export function validateOrderObject(value: unknown): OrderValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return refused([problem(ORDER_REASON.NOT_AN_OBJECT, [], `the body is ${kind}, not a JSON object`)]);
  }
  const structural: OrderProblem[] = [];
  walk(value, 0, [], structural);
  if (structural.length > 0) return refused(structural);

  const object = value as JsonObject;
  const problems: OrderProblem[] = [];
  const rest: JsonObject = {};
  for (const [key, field] of Object.entries(object)) {
    if (READ_ONLY_FIELDS.includes(key)) {
      problems.push(problem(ORDER_REASON.READ_ONLY_FIELD, [key], `${key} is set by the server`));
    } else {
      rest[key] = field;
    }
  }
  const parsed = OrderRequestSchema.safeParse(rest);
  if (!parsed.success) {
    // One problem per field: the first issue zod raised for it (an empty id is not also malformed).
    const seen = new Set(problems.map((p) => p.path));
    for (const found of parsed.error.issues.flatMap((issue) => problemsOfIssue(rest, issue))) {
      if (seen.has(found.path)) continue;
      seen.add(found.path);
      problems.push(found);
    }
  }
  if (problems.length > 0 || !parsed.success) return refused(problems);

  const rules = crossFieldProblems(parsed.data);
  return rules.length > 0 ? refused(rules) : { ok: true, request: parsed.data };
}

/** Step 3: one depth-first walk collecting every structural problem. */
function walk(value: unknown, depth: number, path: PropertyKey[], out: OrderProblem[]): void {
  if (out.length > MAX_REPORTED_PROBLEMS) return;
  if (typeof value === 'string') {
    const at = invalidCharacterAt(value);
    if (at >= 0) {
      const unit = value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
      out.push(problem(ORDER_REASON.INVALID_CHARACTERS, path, `holds U+${unit} at index ${at}`));
    }
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      out.push(problem(ORDER_REASON.NON_FINITE_NUMBER, path, 'not a finite number'));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_JSON_DEPTH) {
    out.push(problem(ORDER_REASON.NESTING_TOO_DEEP, path, `nests deeper than ${MAX_JSON_DEPTH} levels`));
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], depth + 1, [...path, i], out);
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      out.push(problem(ORDER_REASON.FORBIDDEN_KEY, [...path, key], `the key "${key}" is not allowed`));
      continue;
    }
    if (invalidCharacterAt(key) >= 0) {
      out.push(problem(ORDER_REASON.INVALID_CHARACTERS, path, 'a key holds a control character'));
      continue;
    }
    walk((value as JsonObject)[key], depth + 1, [...path, key], out);
  }
}

type Issue = z.core.$ZodIssue;

/** The reason of a format (regex) failure, by field name. */
const FORMAT_REASON: Readonly<Record<string, OrderReason>> = {
  customer_id: ORDER_REASON.INVALID_IDENTIFIER,
  sku: ORDER_REASON.INVALID_IDENTIFIER,
  email: ORDER_REASON.INVALID_EMAIL,
  phone: ORDER_REASON.INVALID_PHONE,
};
const QUANTITY_MESSAGE = `must be a whole number from 1 to ${MAX_QUANTITY}`;
/** Amount fields: a number below the minimum is negative, above the maximum out of range. */
const AMOUNT_FIELDS: ReadonlySet<string> = new Set(['unit_price', 'total_amount']);

/** The name of the field an issue is about (its last string segment). */
function fieldOf(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return '';
}

function quoteKey(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}

/** Step 4: one zod issue → one problem per field (an unknown-keys issue names several). */
function problemsOfIssue(object: JsonObject, issue: Issue): OrderProblem[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      problem(ORDER_REASON.UNKNOWN_FIELD, [...path, key], `unknown field ${quoteKey(key)}`),
    );
  }
  const value = valueAt(object, path);
  if (value === undefined) return [problem(ORDER_REASON.MISSING_FIELD, path, 'is required')];
  const field = fieldOf(path);
  switch (issue.code) {
    case 'custom': {
      const reason = (issue.params as { reason?: unknown } | undefined)?.reason;
      return [problem(isOrderReason(reason) ? reason : ORDER_REASON.INVALID_VALUE, path, issue.message)];
    }
    case 'invalid_type':
      if (issue.expected === 'int' && typeof value === 'number') {
        return [problem(ORDER_REASON.INVALID_QUANTITY, path, QUANTITY_MESSAGE)];
      }
      return [problem(ORDER_REASON.WRONG_TYPE, path, `is ${jsonTypeOf(value)}, expected ${issue.expected}`)];
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum;
      if (issue.origin === 'string') {
        return small
          ? [problem(ORDER_REASON.BLANK_VALUE, path, 'must not be empty')]
          : [problem(ORDER_REASON.STRING_TOO_LONG, path, `is longer than ${bound} characters`)];
      }
      if (issue.origin === 'array') {
        return small
          ? [problem(ORDER_REASON.NO_ITEMS, path, 'must hold at least one line')]
          : [problem(ORDER_REASON.TOO_MANY_ITEMS, path, `holds more than ${bound} lines`)];
      }
      if (field === 'quantity') {
        return [problem(ORDER_REASON.INVALID_QUANTITY, path, QUANTITY_MESSAGE)];
      }
      if (AMOUNT_FIELDS.has(field)) {
        return small
          ? [problem(ORDER_REASON.NEGATIVE_AMOUNT, path, 'must not be negative')]
          : [problem(ORDER_REASON.AMOUNT_OUT_OF_RANGE, path, `is above ${bound}`)];
      }
      return [problem(ORDER_REASON.INVALID_VALUE, path, small ? `is below ${bound}` : `is above ${bound}`)];
    }
    case 'invalid_value':
      return field === 'currency'
        ? [problem(ORDER_REASON.UNKNOWN_CURRENCY, path, 'is not an upper-case ISO 4217 currency code')]
        : [problem(ORDER_REASON.INVALID_VALUE, path, 'is not one of the allowed values')];
    case 'invalid_format': {
      const reason = FORMAT_REASON[field] ?? ORDER_REASON.INVALID_VALUE;
      return [problem(reason, path, formatMessage(reason))];
    }
    default:
      return [problem(ORDER_REASON.INVALID_VALUE, path, 'is not a valid value')];
  }
}

function formatMessage(reason: OrderReason): string {
  switch (reason) {
    case ORDER_REASON.INVALID_IDENTIFIER:
      return 'expected 1–64 characters of A–Z a–z 0–9 . _ : @ -, starting with a letter or digit';
    case ORDER_REASON.INVALID_EMAIL:
      return 'is not an e-mail address';
    case ORDER_REASON.INVALID_PHONE:
      return 'expected an E.164 number: + and 7–15 digits';
    default:
      return 'has an invalid format';
  }
}

/**
 * Amount in minor units when `amount` has no more decimals than `digits`, else undefined.
 * @example minorUnits(19.99, 2) // 1999
 * @example minorUnits(19.999, 2) // undefined
 */
export function minorUnits(amount: number, digits: number): number | undefined {
  if (Number(amount.toFixed(digits)) !== amount) return undefined;
  return Math.round(amount * 10 ** digits);
}

/** Step 5: duplicate SKUs, precision of the amounts, and the total. */
function crossFieldProblems(request: OrderRequest): OrderProblem[] {
  const problems: OrderProblem[] = [];
  const firstLine = new Map<string, number>();
  request.items.forEach((line, i) => {
    const first = firstLine.get(line.sku);
    if (first === undefined) firstLine.set(line.sku, i);
    else
      problems.push(
        problem(ORDER_REASON.DUPLICATE_ITEM, ['items', i, 'sku'], `same SKU as /items/${first}/sku`),
      );
  });
  const digits = minorUnitDigits(request.currency);
  const precision = `has more than ${digits} decimal(s), the minor unit of ${request.currency}`;
  let sum = 0;
  let exact = true;
  request.items.forEach((line, i) => {
    const minor = minorUnits(line.unit_price, digits);
    if (minor === undefined) {
      exact = false;
      problems.push(problem(ORDER_REASON.AMOUNT_PRECISION, ['items', i, 'unit_price'], precision));
    } else {
      sum += minor * line.quantity;
    }
  });
  const total = minorUnits(request.total_amount, digits);
  if (total === undefined) {
    exact = false;
    problems.push(problem(ORDER_REASON.AMOUNT_PRECISION, ['total_amount'], precision));
  }
  if (exact && total !== undefined) {
    const scale = 10 ** digits;
    if (sum > MAX_AMOUNT * scale) {
      problems.push(
        problem(ORDER_REASON.AMOUNT_OUT_OF_RANGE, ['items'], `the lines add up to more than ${MAX_AMOUNT}`),
      );
    } else if (sum !== total) {
      problems.push(
        problem(
          ORDER_REASON.TOTAL_MISMATCH,
          ['total_amount'],
          `the lines add up to ${(sum / scale).toFixed(digits)} ${request.currency}`,
        ),
      );
    }
  }
  return problems;
}
