/**
 * What a local run of the CDR pipeline expects to find in storage: the deterministic `cdr_id` of
 * every valid record it produced, with the time the broker acknowledged its raw produce (the
 * start of its end-to-end latency). Computed with the same domain code the stages run, so a stored row can be
 * matched to its raw record without any tracing header.
 */
import { isCountryCode } from '../countries.ts';
import type { GeneratedCdr } from '../generator/cdr-generator.ts';
import { normalizeCdr } from '../normalization/normalize.ts';
import { validateRawCdr } from '../validation/validate-raw.ts';

/** Produce times of the valid records, by cdr_id. */
export class ExpectedCdrs {
  /** Raw produce acknowledgement time (epoch ms) by cdr_id. */
  readonly producedAt = new Map<string, number>();
  /** Valid records whose cdr_id another valid record of the run already had (same business identity). */
  duplicates = 0;
  /** Extra records per cdr_id beyond the first (one row stands for all of them). */
  private readonly extra = new Map<string, number>();
  /** Records the generator called valid that the domain code did not accept here (should stay 0). */
  notAccepted = 0;

  /**
   * Records a produced chunk.
   * @example expected.add(records, Date.now())
   */
  add(records: readonly GeneratedCdr[], acknowledgedAtMs: number): void {
    const clock = { nowMs: acknowledgedAtMs };
    for (const record of records) {
      if (record.expected !== 'valid' || !isCountryCode(record.country)) continue;
      let cdrId: string;
      try {
        cdrId = normalizeCdr(validateRawCdr(record.country, record.value, clock)).cdr_id;
      } catch {
        this.notAccepted++;
        continue;
      }
      if (this.producedAt.has(cdrId)) {
        this.duplicates++;
        this.extra.set(cdrId, (this.extra.get(cdrId) ?? 0) + 1);
      } else this.producedAt.set(cdrId, acknowledgedAtMs);
    }
  }

  /** Records beyond the first of every stored id: they were stored too, as the same row. */
  duplicatesAmong(stored: ReadonlyMap<string, unknown>): number {
    let n = 0;
    for (const [id, count] of this.extra) if (stored.has(id)) n += count;
    return n;
  }
}
