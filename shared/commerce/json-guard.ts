/**
 * Safe reading of untrusted JSON text. `JSON.parse` itself never pollutes a prototype, but an
 * object holding a `__proto__`, `constructor` or `prototype` key can once another component
 * merges it, so such input is refused at any depth (escaped spellings decode to the same key and
 * are caught too). The same single walk refuses control characters and lone surrogates in keys
 * and strings, numbers that overflowed to ±Infinity (`1e999`), and nesting deeper than an event
 * can have.
 */
import { MAX_JSON_DEPTH } from './constants.ts';
import { REJECT_REASON, type RejectReason } from './reason-codes.ts';

/** A parsed JSON object. */
export type JsonObject = { [key: string]: unknown };

/**
 * The JSON type of a parsed value, as a message names it: `null`, `array`, or its `typeof`.
 * @example jsonTypeOf([1]) // 'array'
 */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The value at `path` (own properties and array indices, as a zod issue's `path`), or undefined.
 * @example valueAt({ items: [{ sku: 'A-1' }] }, ['items', 0, 'sku']) // 'A-1'
 */
export function valueAt(object: JsonObject, path: readonly PropertyKey[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** What {@link parseJsonObject} returns. */
export type JsonParseResult =
  | { readonly ok: true; readonly value: JsonObject }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Index of the first character of `text` that no commerce field may hold — a C0 control other
 * than tab/LF/CR, DEL, a C1 control, or a lone UTF-16 surrogate — or -1.
 * @example invalidCharacterAt('ok\u001b[2J') // 2
 * @example invalidCharacterAt('line 1\nline 2') // -1
 */
export function invalidCharacterAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return i;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

type Problem = { reason: RejectReason; message: string } | undefined;

function describePath(path: string): string {
  if (path === '') return 'value';
  return path.length > 80 ? `${path.slice(0, 80)}…` : path;
}

function describeKey(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}

/** One depth-first walk; the first problem met decides. */
function inspect(value: unknown, depth: number, path: string): Problem {
  if (typeof value === 'string') {
    const at = invalidCharacterAt(value);
    return at < 0
      ? undefined
      : {
          reason: REJECT_REASON.INVALID_CHARACTERS,
          message: `${describePath(path)} holds U+${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at ${at}`,
        };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? undefined
      : { reason: REJECT_REASON.NON_FINITE_NUMBER, message: `${describePath(path)} is not a finite number` };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_JSON_DEPTH) {
    return {
      reason: REJECT_REASON.NESTING_TOO_DEEP,
      message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = inspect(value[i], depth + 1, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      return { reason: REJECT_REASON.FORBIDDEN_KEY, message: `forbidden key ${describeKey(key)}` };
    }
    if (invalidCharacterAt(key) >= 0) {
      return {
        reason: REJECT_REASON.INVALID_CHARACTERS,
        message: `a key under ${path === '' ? 'the root' : describePath(path)} holds a control character`,
      };
    }
    const problem = inspect((value as JsonObject)[key], depth + 1, path ? `${path}.${key}` : key);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Parses untrusted text as one JSON object and runs the structural checks (NOT_JSON,
 * NOT_OBJECT, NESTING_TOO_DEEP, FORBIDDEN_KEY, INVALID_CHARACTERS, NON_FINITE_NUMBER).
 * @example parseJsonObject('{"a":1}') // { ok: true, value: { a: 1 } }
 * @example parseJsonObject('{"__proto__":{}}').ok // false (FORBIDDEN_KEY)
 */
export function parseJsonObject(text: string): JsonParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: REJECT_REASON.NOT_JSON, message: 'not valid JSON' };
  }
  const problem = checkJsonObject(parsed);
  return problem ? { ok: false, ...problem } : { ok: true, value: parsed as JsonObject };
}

/**
 * The structural checks of {@link parseJsonObject} on an already parsed value: `undefined` when
 * it is a clean JSON object, else the reason and message.
 * @example checkJsonObject([1, 2])?.reason // 'NOT_OBJECT'
 */
export function checkJsonObject(value: unknown): { reason: RejectReason; message: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { reason: REJECT_REASON.NOT_OBJECT, message: `JSON value is ${kind}, not an object` };
  }
  return inspect(value, 0, '');
}
