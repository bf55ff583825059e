/**
 * Phone numbers → E.164. A country's numbering plan is data (calling code, trunk prefix,
 * national significant number lengths); numbers arrive national (`0612345678`), with the
 * international prefix (`0033612345678`), international without `+` (`33612345678`) or E.164.
 */

/** A country's numbering plan. */
export interface NumberingPlan {
  /** Country calling code without `+`, e.g. `33`. */
  readonly callingCode: string;
  /** National trunk prefix (`0` in France), or `''` where national numbers have none (Tunisia). */
  readonly trunkPrefix: string;
  /** Lengths of national significant numbers (NSN) the plan allows. */
  readonly nsnLengths: readonly number[];
  /** International call prefix dialled from the country (ITU: `00` in all of ORION's countries). */
  readonly internationalPrefix: string;
}

/** How a feed writes numbers (the generator uses it; parsing accepts every form). */
export type NumberStyle = 'national' | 'e164' | 'international' | 'idd';

const MIN_E164_DIGITS = 7;
const MAX_E164_DIGITS = 15;

function allDigits(text: string, from: number): boolean {
  if (from >= text.length) return false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function international(digits: string, plan: NumberingPlan): string | null {
  if (digits.length < MIN_E164_DIGITS || digits.length > MAX_E164_DIGITS || digits.charCodeAt(0) === 48) {
    return null;
  }
  if (
    digits.startsWith(plan.callingCode) &&
    !plan.nsnLengths.includes(digits.length - plan.callingCode.length)
  ) {
    return null;
  }
  return `+${digits}`;
}

/**
 * The E.164 form (`+` and digits) of a number written in any of the forms of `plan`, or `null`
 * when it is not a valid number (non-digits, wrong length, bad prefix). Bare digits that are not
 * a national number count as international only for the home calling code — or for any code
 * when the feed's `style` is `international` (it writes every number as country code + digits).
 * @example toE164('0612345678', FRANCE_PLAN) // '+33612345678'
 * @example toE164('0021698765432', FRANCE_PLAN) // '+21698765432'
 */
export function toE164(raw: string, plan: NumberingPlan, style?: NumberStyle): string | null {
  if (raw.charCodeAt(0) === 43) return allDigits(raw, 1) ? international(raw.slice(1), plan) : null;
  if (!allDigits(raw, 0)) return null;
  const { trunkPrefix, internationalPrefix, callingCode } = plan;
  if (raw.startsWith(internationalPrefix)) return international(raw.slice(internationalPrefix.length), plan);
  if (trunkPrefix !== '' && raw.startsWith(trunkPrefix)) {
    const nsn = raw.length - trunkPrefix.length;
    return plan.nsnLengths.includes(nsn) ? `+${callingCode}${raw.slice(trunkPrefix.length)}` : null;
  }
  if (trunkPrefix === '' && plan.nsnLengths.includes(raw.length)) return `+${callingCode}${raw}`;
  if (style === 'international' || raw.startsWith(callingCode)) return international(raw, plan);
  return null;
}

/**
 * Writes an E.164 number in a feed's style (national only for numbers of the plan's country).
 * @example formatNumber('+33612345678', 'national', FRANCE_PLAN) // '0612345678'
 */
export function formatNumber(e164: string, style: NumberStyle, plan: NumberingPlan): string {
  const digits = e164.slice(1);
  switch (style) {
    case 'e164':
      return e164;
    case 'international':
      return digits;
    case 'idd':
      return plan.internationalPrefix + digits;
    case 'national':
      return digits.startsWith(plan.callingCode)
        ? plan.trunkPrefix + digits.slice(plan.callingCode.length)
        : plan.internationalPrefix + digits;
  }
}
