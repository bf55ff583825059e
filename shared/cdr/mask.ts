/**
 * Masking of personal identifiers for messages and logs: an IMSI or MSISDN is never written
 * in clear. The IMSI keeps its first 5 digits (MCC + MNC: which network) and its last 2; an
 * MSISDN keeps its country-code prefix (up to 4 characters) and its last 2 digits.
 */

function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}

/**
 * Masks an IMSI (or anything given as one), keeping MCC+MNC and the last 2 digits.
 * Only the first 32 characters are considered, so a huge bogus value does not bloat a message.
 * @example maskImsi('208011234567890') // '20801********90'
 */
export function maskImsi(imsi: string): string {
  return maskMiddle(imsi.slice(0, 32), 5, 2);
}

/**
 * Masks an MSISDN or any phone number, keeping the first 4 characters (e.g. `+336`) and the last 2.
 * @example maskMsisdn('+33612345678') // '+336******78'
 */
export function maskMsisdn(msisdn: string): string {
  return maskMiddle(msisdn.slice(0, 32), 4, 2);
}
