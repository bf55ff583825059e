/**
 * Masks personal data wherever it appears in what ORION logs and prints.
 *
 * Always on, whatever the pipeline:
 * - **Long digit runs**: a run of 8 or more digits that stands on its own (not glued to letters,
 *   as in a hex id, nor to hyphens, as in a UUID), optionally `+`-prefixed and grouped by single
 *   spaces (`+33 6 12 34 56 78`): phone numbers, subscriber and account ids, card numbers. A run
 *   of exactly 15 digits (the length of the common subscriber and device identifiers) is masked
 *   as {@link ID_MASK}, even when glued to letters; any other run as {@link NUMBER_MASK}.
 * - **E-mail addresses**, as {@link EMAIL_MASK}.
 * - **Numbers of 15 digits** in any field (an identifier stored as a number).
 * - **Fields named after personal data** ({@link ALWAYS_PII_KEYS}) are masked whole.
 *
 * Per pipeline: the fields its definition lists in `piiKeys` are masked whole too, whatever their
 * value (see {@link createRedactor}).
 */

/** Replacement of a 15-digit identifier. */
export const ID_MASK = '[ID]';
/** Replacement of any other long digit run (phone, card, account numbers). */
export const NUMBER_MASK = '[NUMBER]';
/** Replacement of an e-mail address. */
export const EMAIL_MASK = '[EMAIL]';
/** Replacement of a field masked because of its name. */
export const FIELD_MASK = '[REDACTED]';

/** Field names masked whole for every pipeline (matched like `piiKeys`). */
export const ALWAYS_PII_KEYS: readonly string[] = ['phone', 'email'];

/** A standalone digit run of 8+ digits, optionally `+`-prefixed and grouped by single spaces. */
const NUMBER_RUN = /(?<![A-Za-z0-9+-])\+?\d(?:[ ]?\d){7,}(?![A-Za-z0-9-])/g;
/** Exactly 15 digits glued to letters (`ID208150123456789`): still an identifier. */
const GLUED_ID = /(?<!\d)\d{15}(?!\d)/g;
/**
 * An e-mail address. The top-level domain must not be followed by a letter, digit or hyphen, so
 * that identifiers like `job@orders.dlq-2@41` (a replay id) are left alone.
 */
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/g;

/**
 * Masks every long digit run and e-mail address in a string.
 * @example redactString('id=208150123456789 to +33612345678') // 'id=[ID] to [NUMBER]'
 * @example redactString('from jane@example.com') // 'from [EMAIL]'
 */
export function redactString(text: string): string {
  const hasDigit = /\d/.test(text);
  const hasAt = text.includes('@');
  if (!hasDigit && !hasAt) return text;
  const out = hasAt ? text.replace(EMAIL, EMAIL_MASK) : text;
  if (!hasDigit) return out;
  return out
    .replace(NUMBER_RUN, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length === 15 && !match.startsWith('+') ? ID_MASK : NUMBER_MASK;
    })
    .replace(GLUED_ID, ID_MASK);
}

/** What a redactor masks beside the always-on rules. */
export interface RedactionOptions {
  /**
   * Names of fields masked whole: a field matches when its name contains one of them, ignoring
   * case, `_` and `-` (`callerId` matches `caller`, `a_number` matches `aNumber`). Give the
   * pipeline's `PipelineDefinition.piiKeys`.
   * @default none (only {@link ALWAYS_PII_KEYS})
   */
  readonly piiKeys?: readonly string[];
}

/** Masks values; build one per execution environment with {@link createRedactor}. */
export interface Redactor {
  /** A `JSON.stringify` replacer (the logger's `jsonReplacerFn`). */
  readonly replacer: (key: string, value: unknown) => unknown;
  /** A deep copy of `value` with everything masked. */
  redact<T>(value: T): T;
}

/** Lower case, without `_` and `-`: the form field names and `piiKeys` are compared in. */
function normalizedKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * A redactor masking the always-on rules plus the fields named in `options.piiKeys`.
 *
 * @example
 * const { replacer } = createRedactor({ piiKeys: ['customer_id'] });
 * JSON.stringify({ customerId: 'c-7', note: 'x' }, replacer) // '{"customerId":"[REDACTED]","note":"x"}'
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const keys = [...ALWAYS_PII_KEYS, ...(options.piiKeys ?? [])].map(normalizedKey).filter(Boolean);
  const sensitive = new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  const replacer = (key: string, value: unknown): unknown => {
    if (
      key !== '' &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') &&
      sensitive.test(normalizedKey(key))
    ) {
      return FIELD_MASK;
    }
    if (typeof value === 'string') return redactString(value);
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      Math.abs(value) >= 1e14 &&
      Math.abs(value) < 1e15
    ) {
      return ID_MASK;
    }
    if (typeof value === 'bigint') return redactString(value.toString());
    return value;
  };
  return {
    replacer,
    redact<T>(value: T): T {
      return JSON.parse(JSON.stringify(value, replacer) ?? 'null') as T;
    },
  };
}

const ALWAYS_ON = createRedactor();

/**
 * The always-on `JSON.stringify` replacer (no pipeline `piiKeys`).
 * @example JSON.stringify({ phone: 33612345678, note: 'x' }, redactReplacer) // '{"phone":"[REDACTED]","note":"x"}'
 */
export const redactReplacer: (key: string, value: unknown) => unknown = ALWAYS_ON.replacer;

/**
 * Deep-copies a value with everything masked: the always-on rules, plus `options.piiKeys`.
 * @example redact({ detail: 'bad number 0612345678' }) // { detail: 'bad number [NUMBER]' }
 * @example redact({ customerId: 'c-7' }, { piiKeys: ['customer_id'] }) // { customerId: '[REDACTED]' }
 */
export function redact<T>(value: T, options?: RedactionOptions): T {
  return (options ? createRedactor(options) : ALWAYS_ON).redact(value);
}
