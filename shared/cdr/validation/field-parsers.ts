/**
 * Small strict parsers for feed scalars. Each returns `NaN`/`undefined` on bad input instead of
 * throwing, so the validator decides the reason code.
 */
import type { FeedScalar } from '../formats/types.ts';
import { MAX_IDENTIFIER_LENGTH } from '../limits.ts';

/**
 * A feed scalar as text (numbers and booleans as JavaScript writes them).
 * @example scalarText(12) // '12'
 */
export function scalarText(value: FeedScalar): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * A non-negative integer from digits or a JSON integer; `NaN` otherwise.
 * @example parseCount('042') // 42
 */
export function parseCount(value: FeedScalar): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : Number.NaN;
  if (typeof value !== 'string' || value.length === 0 || value.length > 15) return Number.NaN;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Seconds of an `HH:MM:SS` duration (hours may have more than 2 digits); `NaN` otherwise.
 * @example parseHms('01:02:03') // 3723
 */
export function parseHms(value: FeedScalar): number {
  if (typeof value !== 'string') return Number.NaN;
  const length = value.length;
  if (length < 8 || value.charCodeAt(length - 3) !== 58 || value.charCodeAt(length - 6) !== 58)
    return Number.NaN;
  const h = parseCount(value.slice(0, length - 6));
  const m = parseCount(value.slice(length - 5, length - 3));
  const s = parseCount(value.slice(length - 2));
  return m <= 59 && s <= 59 ? h * 3600 + m * 60 + s : Number.NaN;
}

/**
 * True for a string of 1–64 letters, digits or `._:-`.
 * @example isIdentifier('208-01-1234-56789') // true
 */
export function isIdentifier(value: string): boolean {
  if (value.length === 0 || value.length > MAX_IDENTIFIER_LENGTH) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 46 ||
      c === 95 ||
      c === 58 ||
      c === 45;
    if (!ok) return false;
  }
  return true;
}

/**
 * True for exactly `length` ASCII digits.
 * @example isDigits('208011234567890', 15) // true
 */
export function isDigits(value: string, length: number): boolean {
  if (value.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
