/**
 * One CDR as a hot-storage row. Both CDR tables carry exactly these columns (only their primary
 * keys differ); a unit test checks this list against `schema.cql`, so the INSERT statements built
 * from it and the schema can never drift apart.
 */

/**
 * A stored CDR. `null` = no value (written as "unset", which creates no tombstone); network and
 * subscriber columns are `null` when the cell or subscriber is unknown to the reference data.
 */
export interface CdrRow {
  readonly cdr_id: string;
  readonly imsi: string;
  /** UTC day of `start_time`, `YYYY-MM-DD`. */
  readonly day: string;
  /** The CDR's event time (start of the call / session / SMS). */
  readonly start_time: Date;
  readonly end_time: Date;
  readonly country: string;
  readonly record_type: string;
  readonly direction: string;
  readonly roaming: boolean;
  readonly msisdn: string;
  readonly counterpart: string | null;
  readonly duration_s: number;
  readonly volume_bytes: number;
  /** Charge in integer minor units of `currency` (35 + EUR = 0.35 €). */
  readonly charge_minor_units: number;
  readonly currency: string;
  readonly cell_id: string;
  readonly site_id: string | null;
  readonly region: string | null;
  readonly technology: string | null;
  readonly segment: string | null;
  readonly plan: string | null;
  readonly payment: string | null;
  /** `home`, `inbound_roaming` or `outbound_roaming`. */
  readonly roaming_status: string;
  readonly fraud_score: number;
  readonly fraud_reasons: readonly string[];
  /** The whole enriched CDR as JSON, so nothing is lost when columns are added later. */
  readonly payload: string;
  readonly stored_at: Date;
}

/** The columns of {@link CdrRow}, in the order the INSERT statements bind them. */
export const CDR_COLUMNS = [
  'cdr_id',
  'imsi',
  'day',
  'start_time',
  'end_time',
  'country',
  'record_type',
  'direction',
  'roaming',
  'msisdn',
  'counterpart',
  'duration_s',
  'volume_bytes',
  'charge_minor_units',
  'currency',
  'cell_id',
  'site_id',
  'region',
  'technology',
  'segment',
  'plan',
  'payment',
  'roaming_status',
  'fraud_score',
  'fraud_reasons',
  'payload',
  'stored_at',
] as const satisfies readonly (keyof CdrRow)[];

/**
 * UTC day (`YYYY-MM-DD`) of an instant: the `day` partition-key component.
 *
 * @example utcDay(new Date('2026-03-29T00:30:00+02:00')) // '2026-03-28'
 */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
