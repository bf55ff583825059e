/**
 * Masks subscriber identifiers (IMSI, MSISDN) wherever they appear in what ORION logs.
 *
 * - An IMSI is 15 digits; an MSISDN is an E.164 number (`+` or `00` and 8–15 digits) or a national
 *   number (8–14 digits, e.g. `0612345678`, `771234567`), possibly written in groups separated by
 *   single spaces (`+33 6 12 34 56 78`). Any such run of 8 or more digits that stands on its own
 *   (not glued to letters, as in a hex id, nor to hyphens, as in a UUID) is masked in every string;
 *   a 15-digit run is masked even when glued to letters.
 * - Fields whose name says they hold a subscriber identifier (`imsi`, `msisdn`, `caller`, `phone`…)
 *   are masked whole, whatever their type.
 * - Numbers in other fields are masked when they look like an IMSI (15 digits).
 */

/** Replacement of a masked IMSI. */
export const IMSI_MASK = '[IMSI]';
/** Replacement of a masked MSISDN (or any other long digit run). */
export const MSISDN_MASK = '[MSISDN]';
/** Replacement of a field masked because of its name. */
export const FIELD_MASK = '[REDACTED]';

/** A standalone digit run of 8+ digits, optionally `+`-prefixed and grouped by single spaces. */
const NUMBER_RUN = /(?<![A-Za-z0-9+-])\+?\d(?:[ ]?\d){7,}(?![A-Za-z0-9-])/g;
/** Exactly 15 digits glued to letters (`IMSI208150123456789`): still an IMSI. */
const GLUED_IMSI = /(?<!\d)\d{15}(?!\d)/g;

/** Field names that hold subscriber identifiers. */
const SENSITIVE_KEY = /imsi|msisdn|phone|caller|callee|calling|called|a_?number|b_?number|subscriber_?id/i;

/**
 * Masks every IMSI/MSISDN-looking digit run in a string.
 * @example redactString('imsi=208150123456789 to +33612345678') // 'imsi=[IMSI] to [MSISDN]'
 */
export function redactString(text: string): string {
  if (!/\d/.test(text)) return text;
  return text
    .replace(NUMBER_RUN, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length === 15 && !match.startsWith('+') ? IMSI_MASK : MSISDN_MASK;
    })
    .replace(GLUED_IMSI, IMSI_MASK);
}

/**
 * Masks one value found under `key` (a `JSON.stringify` replacer: use it as the logger's
 * `jsonReplacerFn`).
 * @example JSON.stringify({ imsi: 208150123456789, note: 'x' }, redactReplacer) // '{"imsi":"[REDACTED]","note":"x"}'
 */
export function redactReplacer(key: string, value: unknown): unknown {
  if (key !== '' && SENSITIVE_KEY.test(key) && (typeof value === 'string' || typeof value === 'number')) {
    return FIELD_MASK;
  }
  if (typeof value === 'string') return redactString(value);
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    Math.abs(value) >= 1e14 &&
    Math.abs(value) < 1e15
  ) {
    return IMSI_MASK;
  }
  if (typeof value === 'bigint') return redactString(value.toString());
  return value;
}

/**
 * Deep-copies a value with every IMSI/MSISDN masked (strings, sensitive fields, IMSI-like numbers).
 * @example redact({ detail: 'bad msisdn 0612345678' }) // { detail: 'bad msisdn [MSISDN]' }
 */
export function redact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, redactReplacer) ?? 'null') as T;
}
