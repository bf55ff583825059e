/**
 * Safe reading of JSON records: `JSON.parse` never pollutes prototypes by itself, but a record
 * holding `__proto__`, `constructor` or `prototype` keys could once merged elsewhere, so such
 * records are refused outright (at any depth, escaped spellings included).
 */
import { REJECT_REASON } from '../reason-codes.ts';
import { rejectWith } from '../rejection.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 8;

/** A parsed JSON object. */
export type JsonObject = { readonly [key: string]: unknown };

function checkKeys(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) rejectWith(REJECT_REASON.UNPARSEABLE, `JSON nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const item of value) checkKeys(item, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) rejectWith(REJECT_REASON.FORBIDDEN_KEY, `forbidden JSON key "${key}"`);
    checkKeys((value as JsonObject)[key], depth + 1);
  }
}

/**
 * Parses a JSON object; throws a `CdrRejection` (UNPARSEABLE, FORBIDDEN_KEY) otherwise.
 * @example parseJsonObject('{"a":1}') // { a: 1 }
 */
export function parseJsonObject(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return rejectWith(REJECT_REASON.UNPARSEABLE, 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return rejectWith(REJECT_REASON.UNPARSEABLE, 'JSON record is not an object');
  }
  // Walk the keys only when the text could spell a forbidden key (directly or \u-escaped).
  if (
    text.includes('\\u') ||
    text.includes('__proto__') ||
    text.includes('constructor') ||
    text.includes('prototype')
  ) {
    checkKeys(parsed, 0);
  }
  return parsed as JsonObject;
}
