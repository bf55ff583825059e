/**
 * One CDR as hot-storage rows: the full row (`cdr_by_subscriber_day_v2`) and the columns of its
 * lookup row (`cdr_lookup_by_id`). A unit test checks both column lists against `schema.cql`, so
 * the INSERT statements built from them and the schema can never drift apart.
 */

/**
 * A stored CDR: every field of the enriched CDR, one column each. `null` = no value (written as
 * "unset", which creates no tombstone and costs no bytes); network and subscriber columns are
 * `null` when the cell or subscriber is unknown to the reference data (the enriched CDR says
 * `unknown` there: `toEnrichedCdr` gives it back).
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
  /** The switch's own record id and record-type code, kept for audit. */
  readonly source_record_id: string;
  readonly source_record_type: string;
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
  /** Country of the IMSI's home network; `null` outside ORION's countries. */
  readonly home_country: string | null;
  /** `home`, `inbound_roaming` or `outbound_roaming`. */
  readonly roaming_status: string;
  readonly fraud_score: number;
  readonly fraud_reasons: readonly string[];
  readonly stored_at: Date;
}

/** The columns of the full row, in the order its INSERT binds them. */
export const CDR_COLUMNS = [
  'imsi',
  'day',
  'start_time',
  'cdr_id',
  'end_time',
  'country',
  'source_record_id',
  'source_record_type',
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
  'home_country',
  'roaming_status',
  'fraud_score',
  'fraud_reasons',
  'stored_at',
] as const satisfies readonly (keyof CdrRow)[];

/**
 * The columns of the lookup row (cdr_id → the key of the full row, and when it was stored), in
 * the order its INSERT binds them. `day` is not stored there: it is the UTC day of `start_time`.
 */
export const CDR_LOOKUP_COLUMNS = [
  'cdr_id',
  'imsi',
  'start_time',
  'stored_at',
] as const satisfies readonly (keyof CdrRow)[];
